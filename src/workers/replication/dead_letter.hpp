#pragma once
// The dead-letter topic: an event that cannot be applied is copied there
// unchanged (same key and payload, original headers kept), with headers that
// say why and where it came from. The worker stores the event's offset only
// after the broker acknowledged the copy.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "core/result.hpp"

namespace replication {

// Header names on dead-lettered messages.
inline constexpr const char* kDlqErrorHeader = "dlq.error";
inline constexpr const char* kDlqTopicHeader = "dlq.source.topic";
inline constexpr const char* kDlqPartitionHeader = "dlq.source.partition";
inline constexpr const char* kDlqOffsetHeader = "dlq.source.offset";
inline constexpr const char* kDlqTimestampHeader = "dlq.source.timestamp";
inline constexpr const char* kDlqGroupHeader = "dlq.consumer.group";
inline constexpr const char* kDlqFailedAtHeader = "dlq.failed.at";
// Set when the copy carries only the first kMaxDeadLetterPayloadBytes: the
// payload's full size in bytes.
inline constexpr const char* kDlqTruncatedHeader = "dlq.payload.truncated.from";

// The broker refuses a message over its max.message.bytes (1 MiB by default),
// and a copy it refuses would stall the worker on that event for good. So a
// larger payload is cut; the whole event stays at its source offset (headers).
inline constexpr std::size_t kMaxDeadLetterPayloadBytes = std::size_t{256} * 1024;

struct DeadLetter {
  core::kafka::ConsumedMessage message;
  std::string error;
};

// The message sent for `letter` (exposed for tests).
core::kafka::OutgoingMessage deadLetterMessage(const DeadLetter& letter,
                                               const std::string& dlq_topic,
                                               const std::string& group);

class DeadLetterQueue {
 public:
  DeadLetterQueue(std::string topic, std::string group,
                  std::unique_ptr<core::kafka::Producer> producer);

  // Produces every letter and waits until the broker persisted all of them
  // (or `timeout` passed: kUnavailable; a refusal: its error).
  core::Status send(const std::vector<DeadLetter>& letters, std::chrono::milliseconds timeout);
  bool broken() const;  // the producer hit a fatal error: recreate it
  const std::string& topic() const { return topic_; }

 private:
  std::string topic_;
  std::string group_;
  std::unique_ptr<core::kafka::Producer> producer_;
  std::int64_t next_id_ = 1;
};

}  // namespace replication
