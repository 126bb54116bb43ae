#pragma once
// Produces one message and waits for the broker to acknowledge it: what the
// notifier needs before it may commit past an event it moved to the retry or
// FAILED topic, and what redrive needs before it records a message as moved.
// The producer is created lazily and recreated after a fatal error.
// Thread-safe: the notifier's lanes share one (forwards are the rare path, one
// at a time).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/kafka/producer.hpp"
#include "core/result.hpp"

namespace notification {

class EventForwarder {
 public:
  // `delivery_timeout` bounds each forward(): librdkafka expires the message
  // itself by then (message.timeout.ms), so an unacknowledged message is not
  // left queued behind the caller's next attempt.
  EventForwarder(std::string brokers, core::kafka::Properties extra, std::string client_id,
                 std::chrono::milliseconds delivery_timeout);
  ~EventForwarder();
  EventForwarder(const EventForwarder&) = delete;
  EventForwarder& operator=(const EventForwarder&) = delete;

  // Ok once the broker persisted the message; kUnavailable when it did not
  // within the delivery timeout; kPermanent when the broker refuses it for
  // good (unknown topic, too large).
  core::Status forward(core::kafka::OutgoingMessage message);

 private:
  core::Status ensureProducer();

  std::string brokers_;
  core::kafka::Properties extra_;
  std::string client_id_;
  std::chrono::milliseconds delivery_timeout_;
  std::mutex mutex_;
  std::unique_ptr<core::kafka::Producer> producer_;
  std::int64_t next_correlation_ = 1;
};

}  // namespace notification
