#pragma once
// Reading a topic outside any consumer group: its partitions and their
// watermarks, and the last messages of each partition. An operator command
// uses it to learn what a topic holds (`replication-worker after-restore`).
// The partitions are assigned, never subscribed: the group id (which
// librdkafka requires) is not joined, so a running member of that group is
// not disturbed, and nothing is committed.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/kafka/consumer.hpp"
#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

struct PartitionWatermarks {
  std::int32_t partition = 0;
  std::int64_t low = 0;   // first offset still held
  std::int64_t high = 0;  // offset after the last message
};

class TopicTail {
 public:
  // `extra`: the caller's identity and -X properties.
  static Result<std::unique_ptr<TopicTail>> create(const std::string& brokers,
                                                   const std::string& group_id,
                                                   const Properties& extra);
  ~TopicTail();
  TopicTail(const TopicTail&) = delete;
  TopicTail& operator=(const TopicTail&) = delete;

  // Every partition of `topic`, in partition order; kNotFound when the topic
  // does not exist.
  Result<std::vector<PartitionWatermarks>> watermarks(const std::string& topic, int timeout_ms);

  // The messages from max(low, high - per_partition) up to the high watermark
  // of each partition (as given), read until each partition's end or the
  // timeout (then kTimeout).
  Result<std::vector<ConsumedMessage>> readTail(const std::string& topic,
                                                const std::vector<PartitionWatermarks>& partitions,
                                                std::int64_t per_partition, int timeout_ms);

 private:
  struct Impl;
  explicit TopicTail(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::kafka
