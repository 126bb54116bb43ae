#include "workers/notification/event_forwarder.hpp"

namespace notification {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

EventForwarder::EventForwarder(std::string brokers, core::kafka::Properties extra,
                               std::string client_id, std::chrono::milliseconds delivery_timeout)
    : brokers_(std::move(brokers)),
      extra_(std::move(extra)),
      client_id_(std::move(client_id)),
      delivery_timeout_(delivery_timeout) {}

EventForwarder::~EventForwarder() = default;

core::Status EventForwarder::ensureProducer() {
  if (producer_) return {};
  core::kafka::ProducerOptions options;
  options.brokers = brokers_;
  options.client_id = client_id_;
  options.extra = {{"linger.ms", "0"},
                   {"message.timeout.ms", std::to_string(delivery_timeout_.count())}};
  options.extra.insert(options.extra.end(), extra_.begin(), extra_.end());
  auto producer = core::kafka::Producer::create(options);
  if (!producer) return producer.error();
  producer_ = std::move(producer).value();
  return {};
}

core::Status EventForwarder::forward(core::kafka::OutgoingMessage message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto ready = ensureProducer(); !ready) return ready;
  message.correlation_id = next_correlation_++;
  // librdkafka reports the message as timed out after delivery_timeout_; the
  // margin lets that report arrive instead of abandoning a queued message.
  const auto deadline = Clock::now() + delivery_timeout_ + std::chrono::seconds(5);
  core::Status queued = producer_->produce(message);
  while (!queued.ok() && queued.error().kind == ErrorKind::kUnavailable &&
         Clock::now() < deadline) {
    producer_->poll(20);  // local queue full
    queued = producer_->produce(message);
  }
  if (!queued) return queued;
  while (Clock::now() < deadline) {
    producer_->poll(10);
    for (auto& report : producer_->takeDeliveryReports()) {
      if (report.correlation_id != message.correlation_id) continue;  // an older, abandoned one
      if (report.persisted) return {};
      return report.error ? *report.error
                          : Error{ErrorKind::kUnavailable,
                                  "delivery to " + message.topic + " not persisted"};
    }
    if (auto fatal = producer_->fatalError()) {
      producer_.reset();
      return Error{ErrorKind::kUnavailable, fatal->message};
    }
  }
  // The message may still be delivered later; the caller retries, and a
  // duplicate on the retry or FAILED topic is harmless (the sent log dedups).
  return Error{ErrorKind::kUnavailable, "no acknowledgement from the broker for " + message.topic +
                                            " within " + std::to_string(delivery_timeout_.count()) +
                                            " ms"};
}

}  // namespace notification
