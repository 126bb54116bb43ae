#pragma once
// A Kafka group consumer with manual offsets: nothing is committed unless the
// caller commits. On assignment an optional hook chooses where each partition
// starts (a worker that stores offsets with its data seeks to those).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

// Special offsets, as librdkafka understands them.
inline constexpr std::int64_t kOffsetBeginning = -2;
inline constexpr std::int64_t kOffsetEnd = -1;
inline constexpr std::int64_t kOffsetStored = -1000;  // the group's committed offset

struct PartitionOffset {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = kOffsetStored;
  bool operator==(const PartitionOffset& o) const {
    return topic == o.topic && partition == o.partition && offset == o.offset;
  }
};

struct ConsumedMessage {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string payload;
  std::int64_t timestamp_ms = 0;
  std::vector<std::pair<std::string, std::string>> headers;
};

// How a consumer belongs to its group.
struct GroupMembership {
  // Static membership: a member that restarts under the same id gets its
  // partitions back at once, without a rebalance. Empty: dynamic membership
  // (a restarted member waits for its old self's session to time out).
  std::string instance_id;
  // How long the group waits for a silent member before its partitions go to
  // another member (librdkafka's default is 45 s).
  std::chrono::milliseconds session_timeout{10000};
};

struct ConsumerOptions {
  std::string brokers;
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "outbox-consumer";
  // Where a partition without a committed offset starts: "earliest" or "latest".
  std::string auto_offset_reset = "earliest";
  GroupMembership membership;
  Properties extra;
  // Given the assigned partitions (offset kOffsetStored), returns them with
  // the offsets to start from. Runs on the polling thread.
  std::function<std::vector<PartitionOffset>(std::vector<PartitionOffset>)> on_assign;
  std::function<void(const std::vector<PartitionOffset>&)> on_revoke;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> create(const ConsumerOptions& options);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // One message, nothing (timeout or end of partition), or an error.
  Result<std::optional<ConsumedMessage>> poll(int timeout_ms);
  // Commits synchronously; offsets are the NEXT offsets to read.
  Status commit(const std::vector<PartitionOffset>& next_offsets);
  // The group's committed offsets for the given partitions.
  Result<std::vector<PartitionOffset>> committed(const std::vector<PartitionOffset>& partitions,
                                                 int timeout_ms);
  std::vector<PartitionOffset> assignment() const;
  // Without a broker round trip: for each assigned partition whose high
  // watermark is known (from the last fetch), the messages after the
  // application's position (the next offset poll() will return). A partition
  // not read from since its assignment counts 0: its fetch found nothing new,
  // or what it found is about to be read.
  struct Unread {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t count = 0;
  };
  std::vector<Unread> unread() const;
  // The end of an assigned partition as the background fetcher last saw it,
  // without a request (nullopt before its first fetch). Safe from any thread.
  std::optional<std::int64_t> fetchedHighWatermark(const std::string& topic,
                                                   std::int32_t partition) const;
  Status pause(const std::vector<PartitionOffset>& partitions);
  Status resume(const std::vector<PartitionOffset>& partitions);
  // Moves the fetch position of an assigned partition. librdkafka's pause()
  // keeps the position after the last message poll() returned, so a caller
  // that pauses to hold back a message it already polled must seek back to it.
  Status seek(const PartitionOffset& position, int timeout_ms);
  // Whether a broker answers a metadata request within timeout_ms. Unlike
  // watermarks(), whose request waits for the socket timeout (60 s) when the
  // leader is gone, this is bounded: the readiness probe.
  Status checkBrokers(int timeout_ms);
  // The low and high watermarks (first offset, offset after the last message)
  // of one partition, asked of the broker.
  Result<std::pair<std::int64_t, std::int64_t>> watermarks(const std::string& topic,
                                                           std::int32_t partition, int timeout_ms);
  // Leaves the group cleanly. Called by the destructor if not called before.
  void close();

  // The destructor waits this long for librdkafka to let go of the consumer,
  // then leaves it behind (see ~Consumer).
  static constexpr std::chrono::seconds kDestroyTimeout{5};

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::kafka
