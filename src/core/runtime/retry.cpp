#include "core/runtime/retry.hpp"

#include <algorithm>
#include <thread>

#include "core/runtime/backoff.hpp"

namespace core::runtime {

using Clock = std::chrono::steady_clock;

bool retryUntilDone(const RetryScope& scope, const std::string& dependency,
                    const std::function<Status()>& step, OnStop on_stop) {
  Backoff backoff;
  auto deadline = Clock::time_point::max();
  while (true) {
    const Status status = step();
    if (status) {
      scope.readiness.set(dependency, "");
      return true;
    }
    scope.readiness.set(dependency, status.error().message);
    if (!scope.stop.stopping()) {
      scope.stop.sleepFor(backoff.next());
      continue;
    }
    if (on_stop == OnStop::kGiveUp) return false;
    if (deadline == Clock::time_point::max()) deadline = Clock::now() + scope.shutdown_grace;
    if (Clock::now() >= deadline) return false;
    // stop() no longer cuts sleeps short: wait plainly, briefly.
    std::this_thread::sleep_for(std::min(backoff.next(), std::chrono::milliseconds(500)));
  }
}

}  // namespace core::runtime
