#pragma once
// The one decision about what a failed send means: which failures are worth
// another attempt (connection refused, timeouts, 4xx replies) and which are
// final (5xx replies, invalid addresses); when the next attempt is due
// (exponential backoff with jitter); and when to stop trying.

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "core/domain/timestamp.hpp"
#include "workers/notification/smtp_client.hpp"

namespace notification {

enum class FailureClass {
  kTransient,  // try again later: the server or the network may recover
  kPermanent,  // this message will never be accepted as it is
};

FailureClass classify(const SendResult& result);
const char* failureClassName(FailureClass failure);

struct RetryPolicy {
  int max_attempts = 3;  // sends per event, the first one included
  std::chrono::milliseconds base{5000};
  std::chrono::milliseconds max{300000};
};

// The delay before attempt `failed_attempts + 1`, after `failed_attempts` (>= 1)
// failures: base * 2^(failed_attempts - 1), capped at max, then drawn
// uniformly from [half of it, all of it] so retries of many events spread out.
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       std::mt19937_64& random);

enum class NextStep { kRetry, kFail };

// After attempt number `attempt` (1-based) failed with `failure`.
NextStep nextStep(const RetryPolicy& policy, int attempt, FailureClass failure);

// "attempt 2 at 2026-11-28T09:57:00.123456Z: Couldn't connect to server"
std::string retryLogEntry(int attempt, core::domain::Timestamp at, const std::string& error);

}  // namespace notification
