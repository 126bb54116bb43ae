#pragma once
// An idempotent Kafka producer (acks=all, ordered retries). Each message
// carries a caller-chosen correlation id (e.g. the outbox id) that comes back
// in its delivery report. Reports are collected during poll()/flush() on the
// calling thread and handed over by takeDeliveryReports().

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

struct ProducerOptions {
  std::string brokers;
  std::string client_id = "outbox";
  bool idempotent = true;
  Properties extra;  // -X overrides, applied last
};

struct OutgoingMessage {
  std::string topic;
  std::string key;
  std::string payload;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t correlation_id = 0;
  std::int32_t partition = -1;  // -1: let the partitioner choose by key
};

struct DeliveryReport {
  std::int64_t correlation_id = 0;
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  // Durable only when no error and the broker persisted it.
  bool persisted = false;
  std::optional<Error> error;
};

class Producer {
 public:
  static Result<std::unique_ptr<Producer>> create(const ProducerOptions& options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a message. kUnavailable when the local queue is full: poll() and
  // try again. kPermanent when this message can never be sent.
  Status produce(const OutgoingMessage& message);
  // Serves delivery reports; returns how many were served.
  int poll(int timeout_ms);
  // Connects to the brokers and loads the metadata of every topic, so that
  // the first message sent does not pay for the connection and the lookup.
  Status warmUp(int timeout_ms);
  // Whether a broker answers within timeout_ms (the readiness probe).
  Status checkBrokers(int timeout_ms);
  std::vector<DeliveryReport> takeDeliveryReports();
  // Waits for every queued message; kUnavailable if some are still outstanding.
  Status flush(int timeout_ms);
  int outstanding() const;
  // Set once librdkafka raised a fatal error: destroy and recreate.
  std::optional<Error> fatalError() const;

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::kafka
