#pragma once
// What every main() does the same way: one-line errors, exit codes, the
// start-up reachability checks, and SIGTERM handling.

#include <functional>
#include <string>

#include "core/logging/logging.hpp"
#include "core/result.hpp"

namespace core::app {

// Runs body(); an escaping exception is logged once and becomes kExitFailure.
int runMain(const std::string& program, const std::function<int()>& body);

// Prints "program: error: message" and returns the exit code matching the
// error kind (kExitUnavailable for unreachable dependencies).
int fail(const std::string& program, const Error& error);

// Blocks SIGTERM, SIGINT and SIGPIPE in this thread and every thread started
// after it, so that waitForTermination() is the only place they arrive.
void blockTerminationSignals();
// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int waitForTermination();

}  // namespace core::app
