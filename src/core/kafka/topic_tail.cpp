#include "core/kafka/topic_tail.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "core/kafka/errors.hpp"

namespace core::kafka {

struct TopicTail::Impl {
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
};

TopicTail::TopicTail(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TopicTail::~TopicTail() {
  if (impl_ && impl_->consumer) {
    (void)impl_->consumer->unassign();
    impl_->consumer->close();
  }
}

Result<std::unique_ptr<TopicTail>> TopicTail::create(const std::string& brokers,
                                                     const std::string& group_id,
                                                     const Properties& extra) {
  Properties properties = {
      {"bootstrap.servers", brokers},        {"group.id", group_id},
      {"client.id", "topic-tail"},           {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"}, {"enable.partition.eof", "true"},
  };
  properties.insert(properties.end(), extra.begin(), extra.end());
  auto conf = makeConf(properties);
  if (!conf) return conf.error();
  auto impl = std::make_unique<Impl>();
  std::string error;
  impl->consumer.reset(RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!impl->consumer) {
    return Error{ErrorKind::kInvalidArgument, "cannot create Kafka consumer: " + error};
  }
  return std::unique_ptr<TopicTail>(new TopicTail(std::move(impl)));
}

Result<std::vector<PartitionWatermarks>> TopicTail::watermarks(const std::string& topic,
                                                               int timeout_ms) {
  std::string error;
  std::unique_ptr<RdKafka::Topic> handle(
      RdKafka::Topic::create(impl_->consumer.get(), topic, nullptr, error));
  if (!handle) return Error{ErrorKind::kInvalidArgument, "topic " + topic + ": " + error};
  RdKafka::Metadata* raw = nullptr;
  const auto code = impl_->consumer->metadata(false, handle.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) return toError(code, "metadata of " + topic);
  std::vector<PartitionWatermarks> out;
  for (const auto* t : *metadata->topics()) {
    if (t->topic() != topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR) {
      return Error{ErrorKind::kNotFound, "topic " + topic + ": " + RdKafka::err2str(t->err())};
    }
    for (const auto* p : *t->partitions()) out.push_back({p->id(), 0, 0});
  }
  if (out.empty()) return Error{ErrorKind::kNotFound, "topic " + topic + " has no partitions"};
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.partition < b.partition; });
  for (auto& p : out) {
    if (const auto queried = impl_->consumer->query_watermark_offsets(topic, p.partition, &p.low,
                                                                      &p.high, timeout_ms);
        queried != RdKafka::ERR_NO_ERROR) {
      return toError(queried, "watermarks of " + topic + "/" + std::to_string(p.partition));
    }
  }
  return out;
}

Result<std::vector<ConsumedMessage>> TopicTail::readTail(
    const std::string& topic, const std::vector<PartitionWatermarks>& partitions,
    std::int64_t per_partition, int timeout_ms) {
  std::vector<RdKafka::TopicPartition*> assignment;
  std::map<std::int32_t, std::int64_t> end_of;  // partitions still to read: their high watermark
  for (const auto& p : partitions) {
    if (p.high <= p.low) continue;  // nothing held
    assignment.push_back(RdKafka::TopicPartition::create(topic, p.partition,
                                                         std::max(p.low, p.high - per_partition)));
    end_of[p.partition] = p.high;
  }
  std::vector<ConsumedMessage> out;
  if (assignment.empty()) return out;
  const auto assigned = impl_->consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (assigned != RdKafka::ERR_NO_ERROR) return toError(assigned, "assign " + topic);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!end_of.empty()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error{ErrorKind::kUnavailable, "reading the tail of " + topic +
                                                " did not finish within " +
                                                std::to_string(timeout_ms) + " ms"};
    }
    std::unique_ptr<RdKafka::Message> message(impl_->consumer->consume(200));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR: break;
      case RdKafka::ERR__TIMED_OUT: continue;
      case RdKafka::ERR__PARTITION_EOF: end_of.erase(message->partition()); continue;
      default: return toError(message->err(), "consume " + topic);
    }
    ConsumedMessage m;
    m.topic = topic;
    m.partition = message->partition();
    m.offset = message->offset();
    if (message->key() != nullptr) m.key = *message->key();
    m.payload.assign(static_cast<const char*>(message->payload()), message->len());
    m.timestamp_ms = message->timestamp().timestamp;
    // Done with a partition at its high watermark as given (a message
    // written since then may come too: harmless, it is on the topic).
    if (const auto end = end_of.find(m.partition);
        end != end_of.end() && m.offset + 1 >= end->second) {
      end_of.erase(end);
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace core::kafka
