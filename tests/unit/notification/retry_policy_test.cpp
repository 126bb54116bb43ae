#include <curl/curl.h>
#include <doctest/doctest.h>

#include "workers/notification/redrive.hpp"
#include "workers/notification/retry_policy.hpp"

using namespace notification;

namespace {

SendResult failure(CURLcode code, long reply) {
  SendResult r;
  r.curl_code = static_cast<int>(code);
  r.smtp_code = reply;
  r.error = "x";
  return r;
}

}  // namespace

TEST_CASE("SMTP failures: 4xx and connection trouble are transient, 5xx permanent") {
  CHECK(classify(failure(CURLE_COULDNT_CONNECT, 0)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_OPERATION_TIMEDOUT, 0)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_COULDNT_RESOLVE_HOST, 0)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_GOT_NOTHING, 0)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_SSL_CONNECT_ERROR, 0)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_SEND_ERROR, 421)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_SEND_ERROR, 450)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_RECV_ERROR, 451)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_SEND_ERROR, 452)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_SEND_ERROR, 550)) == FailureClass::kPermanent);
  CHECK(classify(failure(CURLE_SEND_ERROR, 553)) == FailureClass::kPermanent);
  CHECK(classify(failure(CURLE_RECV_ERROR, 552)) == FailureClass::kPermanent);
  CHECK(classify(failure(CURLE_RECV_ERROR, 554)) == FailureClass::kPermanent);
  CHECK(classify(failure(CURLE_FILESIZE_EXCEEDED, 0)) == FailureClass::kPermanent);
  // The worker's own configuration, not the message: keep the event alive.
  CHECK(classify(failure(CURLE_LOGIN_DENIED, 535)) == FailureClass::kTransient);
  CHECK(classify(failure(CURLE_USE_SSL_FAILED, 530)) == FailureClass::kTransient);
}

TEST_CASE("backoff doubles per attempt up to the cap and stays within its jitter bounds") {
  RetryPolicy policy;
  policy.base = std::chrono::milliseconds(1000);
  policy.max = std::chrono::milliseconds(10000);
  std::mt19937_64 random(42);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    CAPTURE(attempt);
    const std::int64_t full = std::min<std::int64_t>(1000LL << std::min(attempt - 1, 20), 10000);
    std::int64_t lowest = full;
    std::int64_t highest = 0;
    for (int i = 0; i < 500; ++i) {
      const auto d = backoffDelay(policy, attempt, random).count();
      CHECK(d >= full / 2);
      CHECK(d <= full);
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
    }
    // Jitter really spreads the delays.
    CHECK(highest - lowest > full / 4);
  }
  CHECK(backoffDelay(policy, 1000, random).count() <= 10000);
  RetryPolicy tiny{3, std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
  CHECK(backoffDelay(tiny, 1, random).count() >= 0);
}

TEST_CASE("transient failures retry until the attempt limit, permanent ones stop at once") {
  RetryPolicy policy;
  policy.max_attempts = 3;
  CHECK(nextStep(policy, 1, FailureClass::kTransient) == NextStep::kRetry);
  CHECK(nextStep(policy, 2, FailureClass::kTransient) == NextStep::kRetry);
  CHECK(nextStep(policy, 3, FailureClass::kTransient) == NextStep::kFail);
  CHECK(nextStep(policy, 1, FailureClass::kPermanent) == NextStep::kFail);
  policy.max_attempts = 1;
  CHECK(nextStep(policy, 1, FailureClass::kTransient) == NextStep::kFail);
}

TEST_CASE("a retry log entry names the attempt, the time and the error") {
  const auto at = core::domain::parseIso8601("2026-11-28T09:57:00.5Z");
  REQUIRE(at.has_value());
  CHECK(retryLogEntry(2, *at, "Couldn't connect to server") ==
        "attempt 2 at 2026-11-28T09:57:00.500000Z: Couldn't connect to server");
}

TEST_CASE("a re-driven event starts its attempts again and keeps its marked history") {
  core::domain::NotificationEvent e;
  e.retries = 3;
  e.retry_log = {"attempt 1 at t: a", "attempt 2 at t: b", "attempt 3 at t: c"};
  e.not_before = core::domain::Timestamp{123};
  const auto now = *core::domain::parseIso8601("2026-11-28T10:00:00Z");
  const auto r = prepareRedrive(e, now);
  CHECK(r.retries == 0);
  CHECK_FALSE(r.not_before.has_value());
  REQUIRE(r.retry_log.size() == 4);
  CHECK(r.retry_log[3] ==
        "redriven at 2026-11-28T10:00:00.000000Z after 3 attempt(s); attempts start again");
}
