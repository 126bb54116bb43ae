#pragma once
// Retrying a step that needs a dependency (a database write, a produce) until
// it works: the dependency is reported not ready meanwhile, and the waits
// back off and end when the daemon stops.

#include <chrono>
#include <functional>
#include <string>

#include "core/result.hpp"
#include "core/runtime/readiness.hpp"
#include "core/runtime/stop_signal.hpp"

namespace core::runtime {

struct RetryScope {
  StopSignal& stop;
  Readiness& readiness;
  // How long a step that must finish keeps trying after stop() (see below).
  std::chrono::milliseconds shutdown_grace{0};
};

enum class OnStop {
  kGiveUp,  // return false as soon as the daemon stops
  kFinish,  // keep trying for the shutdown grace first (e.g. recording a sent mail)
};

// Runs `step` until it succeeds (true) or the daemon stops (false).
bool retryUntilDone(const RetryScope& scope, const std::string& dependency,
                    const std::function<Status()>& step, OnStop on_stop = OnStop::kGiveUp);

}  // namespace core::runtime
