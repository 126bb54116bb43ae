#include "core/kafka/errors.hpp"

#include <doctest/doctest.h>

using core::kafka::classify;
using core::kafka::ErrorClass;

TEST_CASE("a message the broker can never take is permanent") {
  CHECK(classify(RdKafka::ERR_MSG_SIZE_TOO_LARGE) == ErrorClass::kPermanent);
  CHECK(classify(RdKafka::ERR_RECORD_LIST_TOO_LARGE) == ErrorClass::kPermanent);
}

TEST_CASE("a missing topic grant is retryable: an operator fixes it, parking would not") {
  CHECK(classify(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED) == ErrorClass::kRetryable);
}

TEST_CASE("a broken idempotent producer is fatal") {
  CHECK(classify(RdKafka::ERR__FATAL) == ErrorClass::kFatal);
  CHECK(classify(RdKafka::ERR_OUT_OF_ORDER_SEQUENCE_NUMBER) == ErrorClass::kFatal);
}

TEST_CASE("an unavailable broker is retryable") {
  CHECK(classify(RdKafka::ERR__TRANSPORT) == ErrorClass::kRetryable);
  CHECK(classify(RdKafka::ERR__ALL_BROKERS_DOWN) == ErrorClass::kRetryable);
  CHECK(classify(RdKafka::ERR_NOT_LEADER_FOR_PARTITION) == ErrorClass::kRetryable);
  CHECK(classify(RdKafka::ERR__TIMED_OUT) == ErrorClass::kRetryable);
  CHECK(classify(RdKafka::ERR__QUEUE_FULL) == ErrorClass::kRetryable);
}

TEST_CASE("toError maps the class onto the error kind and keeps the context") {
  const auto e = core::kafka::toError(RdKafka::ERR_MSG_SIZE_TOO_LARGE, "produce to T");
  CHECK(e.kind == core::ErrorKind::kPermanent);
  CHECK(e.message.rfind("produce to T: ", 0) == 0);
  CHECK(core::kafka::toError(RdKafka::ERR__TRANSPORT, "x").kind == core::ErrorKind::kUnavailable);
}
