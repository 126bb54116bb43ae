#include "workers/replication/dead_letter.hpp"

#include <set>

#include "core/domain/timestamp.hpp"

namespace replication {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

core::kafka::OutgoingMessage deadLetterMessage(const DeadLetter& letter,
                                               const std::string& dlq_topic,
                                               const std::string& group) {
  const auto& m = letter.message;
  core::kafka::OutgoingMessage out;
  out.topic = dlq_topic;
  out.key = m.key;
  out.payload = m.payload.substr(0, kMaxDeadLetterPayloadBytes);
  out.headers = m.headers;
  if (m.payload.size() > kMaxDeadLetterPayloadBytes) {
    out.headers.emplace_back(kDlqTruncatedHeader, std::to_string(m.payload.size()));
  }
  out.headers.emplace_back(kDlqErrorHeader, letter.error);
  out.headers.emplace_back(kDlqTopicHeader, m.topic);
  out.headers.emplace_back(kDlqPartitionHeader, std::to_string(m.partition));
  out.headers.emplace_back(kDlqOffsetHeader, std::to_string(m.offset));
  out.headers.emplace_back(kDlqTimestampHeader, std::to_string(m.timestamp_ms));
  out.headers.emplace_back(kDlqGroupHeader, group);
  out.headers.emplace_back(kDlqFailedAtHeader,
                           core::domain::formatIso8601(core::domain::Timestamp::now()));
  return out;
}

DeadLetterQueue::DeadLetterQueue(std::string topic, std::string group,
                                 std::unique_ptr<core::kafka::Producer> producer)
    : topic_(std::move(topic)), group_(std::move(group)), producer_(std::move(producer)) {}

bool DeadLetterQueue::broken() const {
  return producer_->fatalError().has_value();
}

core::Status DeadLetterQueue::send(const std::vector<DeadLetter>& letters,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::set<std::int64_t> waiting;
  for (const auto& letter : letters) {
    auto message = deadLetterMessage(letter, topic_, group_);
    message.correlation_id = next_id_++;
    core::Status queued = producer_->produce(message);
    while (!queued.ok() && queued.error().kind == ErrorKind::kUnavailable &&
           Clock::now() < deadline) {
      producer_->poll(20);  // local queue full: let deliveries drain it
      queued = producer_->produce(message);
    }
    if (!queued.ok()) return queued;
    waiting.insert(message.correlation_id);
  }
  while (!waiting.empty()) {
    producer_->poll(10);
    for (auto& report : producer_->takeDeliveryReports()) {
      if (waiting.erase(report.correlation_id) == 0) continue;  // from an earlier, failed send
      if (!report.persisted) {
        return report.error ? *report.error
                            : Error{ErrorKind::kUnavailable, "dead letter not persisted"};
      }
    }
    if (auto fatal = producer_->fatalError()) return *fatal;
    if (!waiting.empty() && Clock::now() >= deadline) {
      return Error{ErrorKind::kUnavailable, std::to_string(waiting.size()) +
                                                " dead letters not acknowledged by " + topic_ +
                                                " in time"};
    }
  }
  return {};
}

}  // namespace replication
