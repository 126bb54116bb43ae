#include "workers/notification/retry_policy.hpp"

#include <curl/curl.h>

#include <algorithm>

namespace notification {

FailureClass classify(const SendResult& result) {
  // A reply code decides when the server gave one: 4xx means "not now"
  // (greylisting, mailbox busy, too many connections), 5xx means "never"
  // (no such user, relaying denied, message too large, policy).
  if (result.smtp_code >= 400 && result.smtp_code < 500) return FailureClass::kTransient;
  if (result.smtp_code >= 500 && result.smtp_code < 600) {
    // Authentication and TLS refusals are the worker's configuration, not the
    // message: keep the event alive until an operator fixes them.
    if (result.curl_code == CURLE_LOGIN_DENIED || result.curl_code == CURLE_USE_SSL_FAILED) {
      return FailureClass::kTransient;
    }
    return FailureClass::kPermanent;
  }
  switch (static_cast<CURLcode>(result.curl_code)) {
    // The message itself cannot be sent as it is.
    case CURLE_FILESIZE_EXCEEDED: return FailureClass::kPermanent;
    // Everything else without a reply code is the way to the server:
    // connection refused, DNS, timeouts, TLS handshakes, lost connections.
    default: return FailureClass::kTransient;
  }
}

const char* failureClassName(FailureClass failure) {
  return failure == FailureClass::kTransient ? "transient" : "permanent";
}

std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       std::mt19937_64& random) {
  const int exponent = std::clamp(failed_attempts - 1, 0, 40);
  const auto base = std::max<std::int64_t>(policy.base.count(), 1);
  const auto cap = std::max<std::int64_t>(policy.max.count(), base);
  std::int64_t delay = base;
  for (int i = 0; i < exponent && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  std::uniform_int_distribution<std::int64_t> jitter(delay - delay / 2, delay);
  return std::chrono::milliseconds(jitter(random));
}

NextStep nextStep(const RetryPolicy& policy, int attempt, FailureClass failure) {
  if (failure == FailureClass::kPermanent) return NextStep::kFail;
  return attempt >= policy.max_attempts ? NextStep::kFail : NextStep::kRetry;
}

std::string retryLogEntry(int attempt, core::domain::Timestamp at, const std::string& error) {
  return "attempt " + std::to_string(attempt) + " at " + core::domain::formatIso8601(at) + ": " +
         error;
}

}  // namespace notification
