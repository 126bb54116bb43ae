#pragma once
// What every main() does the same way: one-line errors, exit codes, the
// start-up reachability checks, and SIGTERM handling.

#include <functional>
#include <string>

#include "core/config/command_line.hpp"
#include "core/kafka/consumer.hpp"
#include "core/logging/logging.hpp"
#include "core/result.hpp"

namespace core::app {

// Runs body(); an escaping exception is logged once and becomes kExitFailure.
int runMain(const std::string& program, const std::function<int()>& body);

// Prints "program: error: message" and returns the exit code matching the
// error kind (kExitUnavailable for unreachable dependencies).
int fail(const std::string& program, const Error& error);

// Adds --log-level [LOG_LEVEL]; the value is validated by initLogging.
void addLogLevelFlag(config::CommandLine& cli);
// Initialises logging from --log-level; returns an exit code on a bad level.
std::optional<int> initLogging(const config::CommandLine& cli);

// Adds --log-file, --log-max-bytes and --log-files (LOG_FILE, LOG_MAX_BYTES,
// LOG_FILES): a daemon's log in a file that rotates by size.
void addLogFileFlags(config::CommandLine& cli);
// Reads them; an exit code (a usage error naming the flag) when one is bad.
std::optional<int> readLogFile(const config::CommandLine& cli, logging::LogFile& file);

// Adds --group-instance-id and --session-timeout-ms (variables
// <env_prefix>_GROUP_INSTANCE_ID, <env_prefix>_SESSION_TIMEOUT_MS).
void addGroupMembershipFlags(config::CommandLine& cli, const std::string& env_prefix);
// Reads them; an exit code (a usage error naming the flag) when one is bad.
std::optional<int> readGroupMembership(const config::CommandLine& cli,
                                       kafka::GroupMembership& membership);

// A required string flag: an error that names the flag and its variable when
// it is empty.
Result<std::string> requireFlag(const config::CommandLine& cli, const std::string& flag,
                                const std::string& env);

// Blocks SIGTERM, SIGINT and SIGPIPE in this thread and every thread started
// after it, so that waitForTermination() is the only place they arrive.
void blockTerminationSignals();
// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int waitForTermination();

}  // namespace core::app
