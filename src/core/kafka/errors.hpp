#pragma once
// The one decision about which Kafka errors are worth retrying.

#include <librdkafka/rdkafkacpp.h>

#include <string>

#include "core/result.hpp"

namespace core::kafka {

enum class ErrorClass {
  kRetryable,  // transient: broker down, leader moving, timeouts, queue full
  kPermanent,  // this message can never succeed (too large, bad topic, ...)
  kFatal,      // the client instance is unusable and must be recreated
};

ErrorClass classify(RdKafka::ErrorCode code);

// A core::Error whose kind follows classify(): kUnavailable, kPermanent or kFatal.
Error toError(RdKafka::ErrorCode code, const std::string& context);

}  // namespace core::kafka
