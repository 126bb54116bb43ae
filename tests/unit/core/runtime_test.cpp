// The daemon helpers every long-running process shares (core/runtime).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/runtime/backoff.hpp"
#include "core/runtime/readiness.hpp"
#include "core/runtime/retry.hpp"
#include "core/runtime/state_log.hpp"
#include "core/runtime/stop_signal.hpp"

using core::runtime::Backoff;
using core::runtime::OnStop;
using core::runtime::Readiness;
using core::runtime::RetryScope;
using core::runtime::StopSignal;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {
milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}
}  // namespace

TEST_CASE("stop() ends a sleep at once and every later one") {
  StopSignal signal;
  std::thread stopper([&]() {
    std::this_thread::sleep_for(milliseconds(50));
    signal.stop();
  });
  const auto start = Clock::now();
  signal.sleepFor(milliseconds(10000));
  stopper.join();
  CHECK(since(start) < milliseconds(5000));
  CHECK(signal.stopping());
  const auto again = Clock::now();
  signal.sleepUnlessWoken(milliseconds(10000));
  CHECK(since(again) < milliseconds(1000));
}

TEST_CASE("a wake() is kept for the next sleepUnlessWoken and consumed by it") {
  StopSignal signal;
  signal.wake();  // nobody sleeps yet: the hint must not be lost
  auto start = Clock::now();
  signal.sleepUnlessWoken(milliseconds(10000));
  CHECK(since(start) < milliseconds(1000));
  start = Clock::now();
  signal.sleepUnlessWoken(milliseconds(100));  // the hint was used up: a full sleep
  CHECK(since(start) >= milliseconds(100));
  CHECK_FALSE(signal.stopping());
}

TEST_CASE("sleepFor ignores wake(): back-off waits are not cut short by hints") {
  StopSignal signal;
  signal.wake();
  const auto start = Clock::now();
  signal.sleepFor(milliseconds(100));
  CHECK(since(start) >= milliseconds(100));
}

TEST_CASE("backoff doubles up to its cap and starts over after reset") {
  Backoff backoff(milliseconds(200), milliseconds(1000));
  CHECK(backoff.next() == milliseconds(200));
  CHECK(backoff.next() == milliseconds(400));
  CHECK(backoff.next() == milliseconds(800));
  CHECK(backoff.next() == milliseconds(1000));
  CHECK(backoff.next() == milliseconds(1000));
  backoff.reset();
  CHECK(backoff.next() == milliseconds(200));
  Backoff defaults;
  CHECK(defaults.next() == Backoff::kDefaultFirst);
}

TEST_CASE("readiness: not ready until every dependency answered, problems in order") {
  Readiness readiness({"database", "kafka"});
  CHECK(readiness.problem() == "database: starting; kafka: starting");
  readiness.set("database", "");
  CHECK(readiness.problem() == "kafka: starting");
  readiness.set("kafka", "");
  CHECK(readiness.ready());
  readiness.set("kafka", "broker down");
  readiness.set("database", "refused");
  CHECK(readiness.problem() == "database: refused; kafka: broker down");
  readiness.set("smtp", "timeout");  // a dependency not named up front is added
  CHECK(readiness.problem() == "database: refused; kafka: broker down; smtp: timeout");
}

TEST_CASE("the state log keeps the current state") {
  core::runtime::StateLog log({"idle"});
  CHECK(log.current().empty());
  log.note("idle");
  log.note("publishing");
  CHECK(log.current() == "publishing");
}

TEST_CASE("retryUntilDone retries a failing step, reports it, and clears it on success") {
  StopSignal signal;
  Readiness readiness({"database"});
  int calls = 0;
  std::string seen_problem;
  const bool done = core::runtime::retryUntilDone(
      RetryScope{signal, readiness}, "database", [&]() -> core::Status {
        if (++calls < 3) return core::Error{core::ErrorKind::kUnavailable, "refused"};
        seen_problem = readiness.problem();
        return {};
      });
  CHECK(done);
  CHECK(calls == 3);
  CHECK(seen_problem == "database: refused");
  CHECK(readiness.ready());
}

TEST_CASE("retryUntilDone gives up once stopped, unless the step must finish") {
  StopSignal signal;
  Readiness readiness({"database"});
  signal.stop();
  int calls = 0;
  const auto failing = [&]() -> core::Status {
    ++calls;
    return core::Error{core::ErrorKind::kUnavailable, "refused"};
  };
  CHECK_FALSE(core::runtime::retryUntilDone(RetryScope{signal, readiness}, "database", failing));
  CHECK(calls == 1);

  calls = 0;
  const auto start = Clock::now();
  CHECK_FALSE(core::runtime::retryUntilDone(RetryScope{signal, readiness, milliseconds(700)},
                                            "database", failing, OnStop::kFinish));
  CHECK(calls >= 3);  // 200 + 400 (+ 500) ms of waits inside the 700 ms grace
  CHECK(since(start) >= milliseconds(700));
  CHECK(since(start) < milliseconds(5000));

  int until_third = 0;
  CHECK(core::runtime::retryUntilDone(
      RetryScope{signal, readiness, milliseconds(5000)}, "database",
      [&]() -> core::Status {
        if (++until_third < 3) return core::Error{core::ErrorKind::kUnavailable, "refused"};
        return {};
      },
      OnStop::kFinish));
}
