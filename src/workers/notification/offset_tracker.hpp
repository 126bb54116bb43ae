#pragma once
// Which offsets may be committed when events of one partition finish out of
// order (they are sent by several lanes at once): the next offset after the
// longest run of finished events from the start of what was handed out. An
// event that is not finished holds back every later offset of its partition,
// so a crash never skips an event that was not handled. Pure; not
// thread-safe (the notifier holds a lock around it).

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/kafka/consumer.hpp"

namespace notification {

class OffsetTracker {
 public:
  using Partition = std::pair<std::string, std::int32_t>;

  // An event handed to a lane; offsets of one partition must rise.
  void started(const Partition& partition, std::int64_t offset);
  // The event reached a durable outcome (sent and recorded, skipped, or
  // forwarded and acknowledged).
  void finished(const Partition& partition, std::int64_t offset);

  // For each partition whose committable offset moved since the last call:
  // the offset to commit (one past its last finished event in order).
  std::vector<core::kafka::PartitionOffset> takeCommittable();
  // Events handed out and not finished, in `partition` or in all.
  std::size_t unfinished(const Partition& partition) const;
  std::size_t unfinished() const;
  // Drops a partition's state (revoked: another member goes on from the
  // committed offset).
  void forget(const Partition& partition);

 private:
  struct State {
    std::map<std::int64_t, bool> open;  // offset -> finished, from the oldest not yet committable
    std::int64_t committable = -1;      // next offset to commit; -1: none yet
    bool moved = false;
  };
  std::map<Partition, State> partitions_;
};

}  // namespace notification
