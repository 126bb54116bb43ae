#include "workers/notification/offset_tracker.hpp"

namespace notification {

void OffsetTracker::started(const Partition& partition, std::int64_t offset) {
  partitions_[partition].open.emplace(offset, false);
}

void OffsetTracker::finished(const Partition& partition, std::int64_t offset) {
  auto found = partitions_.find(partition);
  if (found == partitions_.end()) return;  // forgotten (revoked) meanwhile
  auto& state = found->second;
  auto event = state.open.find(offset);
  if (event == state.open.end()) return;
  event->second = true;
  // The finished run from the oldest open event becomes committable.
  while (!state.open.empty() && state.open.begin()->second) {
    state.committable = state.open.begin()->first + 1;
    state.moved = true;
    state.open.erase(state.open.begin());
  }
}

std::vector<core::kafka::PartitionOffset> OffsetTracker::takeCommittable() {
  std::vector<core::kafka::PartitionOffset> out;
  for (auto& [partition, state] : partitions_) {
    if (!state.moved) continue;
    state.moved = false;
    out.push_back({partition.first, partition.second, state.committable});
  }
  return out;
}

std::size_t OffsetTracker::unfinished(const Partition& partition) const {
  const auto found = partitions_.find(partition);
  if (found == partitions_.end()) return 0;
  std::size_t n = 0;
  for (const auto& [offset, done] : found->second.open) n += done ? 0 : 1;
  return n;
}

std::size_t OffsetTracker::unfinished() const {
  std::size_t n = 0;
  for (const auto& [partition, state] : partitions_) n += unfinished(partition);
  return n;
}

void OffsetTracker::forget(const Partition& partition) {
  partitions_.erase(partition);
}

}  // namespace notification
