#include "core/kafka/errors.hpp"

namespace core::kafka {

ErrorClass classify(RdKafka::ErrorCode code) {
  switch (code) {
    // The message itself is refused; sending it again cannot help.
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_INVALID_MSG:
    case RdKafka::ERR_INVALID_MSG_SIZE:
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:
    case RdKafka::ERR_INVALID_RECORD:
    case RdKafka::ERR_TOPIC_EXCEPTION:
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR_INVALID_REQUIRED_ACKS:
    case RdKafka::ERR_POLICY_VIOLATION: return ErrorClass::kPermanent;

    // The client instance is unusable.
    case RdKafka::ERR__FATAL:
    case RdKafka::ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RdKafka::ERR_UNKNOWN_PRODUCER_ID:
    case RdKafka::ERR_INVALID_PRODUCER_EPOCH:
    case RdKafka::ERR_PRODUCER_FENCED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RdKafka::ERR__AUTHENTICATION:
    case RdKafka::ERR_SASL_AUTHENTICATION_FAILED:
    case RdKafka::ERR__SSL: return ErrorClass::kFatal;

    // Everything else is transient: broker down or restarting, leadership
    // moving, timeouts, full local queue, coordinator loading, and a missing
    // topic ACL (TOPIC_AUTHORIZATION_FAILED: a grant an operator adds while
    // the relay retries; parking every row instead would need a manual
    // retry of each)...
    default: return ErrorClass::kRetryable;
  }
}

Error toError(RdKafka::ErrorCode code, const std::string& context) {
  ErrorKind kind = ErrorKind::kUnavailable;
  switch (classify(code)) {
    case ErrorClass::kRetryable: kind = ErrorKind::kUnavailable; break;
    case ErrorClass::kPermanent: kind = ErrorKind::kPermanent; break;
    case ErrorClass::kFatal: kind = ErrorKind::kFatal; break;
  }
  return Error{kind, context + ": " + RdKafka::err2str(code)};
}

}  // namespace core::kafka
