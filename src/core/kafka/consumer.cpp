#include "core/kafka/consumer.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <thread>

#include "core/kafka/errors.hpp"
#include "core/kafka/metadata.hpp"

namespace core::kafka {

namespace {

using PartitionList = std::vector<RdKafka::TopicPartition*>;

// Owns the TopicPartition objects that the C++ API hands out as raw pointers.
struct OwnedPartitions {
  PartitionList list;
  OwnedPartitions() = default;
  explicit OwnedPartitions(const std::vector<PartitionOffset>& offsets) {
    for (const auto& p : offsets) {
      list.push_back(RdKafka::TopicPartition::create(p.topic, p.partition, p.offset));
    }
  }
  OwnedPartitions(const OwnedPartitions&) = delete;
  OwnedPartitions& operator=(const OwnedPartitions&) = delete;
  ~OwnedPartitions() { RdKafka::TopicPartition::destroy(list); }
};

std::vector<PartitionOffset> toOffsets(const PartitionList& list) {
  std::vector<PartitionOffset> out;
  out.reserve(list.size());
  for (const auto* p : list) out.push_back({p->topic(), p->partition(), p->offset()});
  return out;
}

class Rebalancer : public RdKafka::RebalanceCb {
 public:
  explicit Rebalancer(const ConsumerOptions& options)
      : on_assign_(options.on_assign), on_revoke_(options.on_revoke) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    PartitionList& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (on_assign_) {
        const auto chosen = on_assign_(toOffsets(partitions));
        for (auto* p : partitions) {
          for (const auto& c : chosen) {
            if (c.topic == p->topic() && c.partition == p->partition()) p->set_offset(c.offset);
          }
        }
      }
      consumer->assign(partitions);
    } else {
      if (on_revoke_) on_revoke_(toOffsets(partitions));
      consumer->unassign();
    }
  }

 private:
  std::function<std::vector<PartitionOffset>(std::vector<PartitionOffset>)> on_assign_;
  std::function<void(const std::vector<PartitionOffset>&)> on_revoke_;
};

}  // namespace

struct Consumer::Impl {
  explicit Impl(const ConsumerOptions& options) : rebalancer(options) {}
  Rebalancer rebalancer;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer;
  bool closed = false;
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

// librdkafka 2.0.2 can wait for ever in the consumer's destruction when its
// topic was deleted under it (rdk:main joins a broker thread that keeps waiting
// for the deleted partition's last reference). So the handle is destroyed on a
// thread of its own, and after kDestroyTimeout it is left to that thread: a
// worker that was told to stop exits with a warning instead of hanging until
// kill -9. The group was already left by close(), so nothing is owed to the
// broker; the process ends soon after, taking the stuck thread with it.
Consumer::~Consumer() {
  close();
  if (!impl_) return;
  std::promise<void> destroyed;
  auto done = destroyed.get_future();
  std::thread([impl = std::move(impl_), destroyed = std::move(destroyed)]() mutable {
    impl.reset();
    destroyed.set_value();
  }).detach();
  if (done.wait_for(kDestroyTimeout) != std::future_status::ready) {
    spdlog::warn("the Kafka consumer did not shut down within {} s; leaving it behind",
                 kDestroyTimeout.count());
  }
}

Result<std::unique_ptr<Consumer>> Consumer::create(const ConsumerOptions& options) {
  if (options.group_id.empty())
    return Error{ErrorKind::kInvalidArgument, "consumer group id is empty"};
  if (options.topics.empty()) return Error{ErrorKind::kInvalidArgument, "no topic to consume"};
  Properties properties = {
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group_id},
      {"client.id", options.client_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", options.auto_offset_reset},
      {"enable.partition.eof", "false"},
      // Reconnect within a second of the brokers' return (default: up to 10 s).
      {"reconnect.backoff.max.ms", "1000"},
      {"session.timeout.ms", std::to_string(options.membership.session_timeout.count())},
  };
  if (!options.membership.instance_id.empty()) {
    properties.emplace_back("group.instance.id", options.membership.instance_id);
  }
  properties.insert(properties.end(), options.extra.begin(), options.extra.end());
  auto conf = makeConf(properties);
  if (!conf) return conf.error();

  auto impl = std::make_unique<Impl>(options);
  std::string error;
  if ((*conf)->set("rebalance_cb", &impl->rebalancer, error) != RdKafka::Conf::CONF_OK) {
    return Error{ErrorKind::kInternal, "rebalance_cb: " + error};
  }
  impl->consumer.reset(RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!impl->consumer)
    return Error{ErrorKind::kInvalidArgument, "cannot create Kafka consumer: " + error};
  if (const auto code = impl->consumer->subscribe(options.topics); code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "subscribe");
  }
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Result<std::optional<ConsumedMessage>> Consumer::poll(int timeout_ms) {
  std::unique_ptr<RdKafka::Message> message(impl_->consumer->consume(timeout_ms));
  switch (message->err()) {
    case RdKafka::ERR_NO_ERROR: break;
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF: return std::optional<ConsumedMessage>{};
    default: return toError(message->err(), "consume");
  }
  ConsumedMessage out;
  out.topic = message->topic_name();
  out.partition = message->partition();
  out.offset = message->offset();
  if (message->key() != nullptr) out.key = *message->key();
  out.payload.assign(static_cast<const char*>(message->payload()), message->len());
  out.timestamp_ms = message->timestamp().timestamp;
  if (const RdKafka::Headers* headers = message->headers(); headers != nullptr) {
    for (const auto& h : headers->get_all()) {
      out.headers.emplace_back(
          h.key(), h.value() == nullptr
                       ? std::string()
                       : std::string(static_cast<const char*>(h.value()), h.value_size()));
    }
  }
  return std::optional<ConsumedMessage>{std::move(out)};
}

Status Consumer::commit(const std::vector<PartitionOffset>& next_offsets) {
  OwnedPartitions partitions(next_offsets);
  if (const auto code = impl_->consumer->commitSync(partitions.list);
      code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "offset commit");
  }
  for (const auto* p : partitions.list) {
    if (p->err() != RdKafka::ERR_NO_ERROR)
      return toError(p->err(), "offset commit of " + p->topic());
  }
  return {};
}

Result<std::vector<PartitionOffset>> Consumer::committed(
    const std::vector<PartitionOffset>& partitions, int timeout_ms) {
  OwnedPartitions owned(partitions);
  if (const auto code = impl_->consumer->committed(owned.list, timeout_ms);
      code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "committed offsets");
  }
  return toOffsets(owned.list);
}

std::vector<PartitionOffset> Consumer::assignment() const {
  PartitionList list;
  impl_->consumer->assignment(list);
  auto out = toOffsets(list);
  RdKafka::TopicPartition::destroy(list);
  return out;
}

std::vector<Consumer::Unread> Consumer::unread() const {
  PartitionList list;
  impl_->consumer->assignment(list);
  impl_->consumer->position(list);
  std::vector<Unread> out;
  for (const auto* p : list) {
    std::int64_t low = RdKafka::Topic::OFFSET_INVALID;
    std::int64_t high = RdKafka::Topic::OFFSET_INVALID;
    impl_->consumer->get_watermark_offsets(p->topic(), p->partition(), &low, &high);
    if (high < 0) continue;  // nothing fetched yet: unknown
    // No position yet: nothing read since the assignment, and a fetch that
    // returned nothing (caught up) is the usual reason.
    const std::int64_t from = p->offset() >= 0 ? p->offset() : high;
    out.push_back({p->topic(), p->partition(), std::max<std::int64_t>(0, high - from)});
  }
  RdKafka::TopicPartition::destroy(list);
  return out;
}

std::optional<std::int64_t> Consumer::fetchedHighWatermark(const std::string& topic,
                                                           std::int32_t partition) const {
  std::int64_t low = RdKafka::Topic::OFFSET_INVALID;
  std::int64_t high = RdKafka::Topic::OFFSET_INVALID;
  impl_->consumer->get_watermark_offsets(topic, partition, &low, &high);
  if (high < 0) return std::nullopt;
  return high;
}

Status Consumer::pause(const std::vector<PartitionOffset>& partitions) {
  OwnedPartitions owned(partitions);
  if (const auto code = impl_->consumer->pause(owned.list); code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "pause");
  }
  return {};
}

Status Consumer::resume(const std::vector<PartitionOffset>& partitions) {
  OwnedPartitions owned(partitions);
  if (const auto code = impl_->consumer->resume(owned.list); code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "resume");
  }
  return {};
}

Status Consumer::seek(const PartitionOffset& position, int timeout_ms) {
  std::unique_ptr<RdKafka::TopicPartition> partition(
      RdKafka::TopicPartition::create(position.topic, position.partition, position.offset));
  if (const auto code = impl_->consumer->seek(*partition, timeout_ms);
      code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "seek " + position.topic + "/" + std::to_string(position.partition));
  }
  return {};
}

Result<std::pair<std::int64_t, std::int64_t>> Consumer::watermarks(const std::string& topic,
                                                                   std::int32_t partition,
                                                                   int timeout_ms) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  if (const auto code =
          impl_->consumer->query_watermark_offsets(topic, partition, &low, &high, timeout_ms);
      code != RdKafka::ERR_NO_ERROR) {
    return toError(code, "watermarks of " + topic);
  }
  return std::make_pair(low, high);
}

Status Consumer::checkBrokers(int timeout_ms) {
  return requestMetadata(*impl_->consumer, false, timeout_ms);
}

void Consumer::close() {
  if (impl_ && impl_->consumer && !impl_->closed) {
    impl_->closed = true;
    impl_->consumer->close();
  }
}

}  // namespace core::kafka
