#include "workers/replication/partition_positions.hpp"

#include <algorithm>

namespace replication {

PartitionPositions::PartitionPositions(std::string topic, core::metrics::Registry& metrics)
    : topic_(std::move(topic)), metrics_(metrics) {
  metrics.gauge("replication_assigned_partitions", "Partitions assigned to this worker", [this]() {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<double>(tracked_.size());
  });
}

void PartitionPositions::assign(std::int32_t partition, std::optional<std::int64_t> stored) {
  expected_[partition] = stored;
  track(partition);
  if (stored) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_applied_offset_[partition] = *stored - 1;
  }
}

void PartitionPositions::revoke(std::int32_t partition) {
  expected_.erase(partition);
  std::lock_guard<std::mutex> lock(mutex_);
  tracked_.erase(partition);
  high_watermark_.erase(partition);
}

void PartitionPositions::clear() {
  expected_.clear();
}

std::set<std::int32_t> PartitionPositions::partitions() const {
  std::set<std::int32_t> out;
  for (const auto& entry : expected_) out.insert(entry.first);
  return out;
}

std::optional<std::int64_t> PartitionPositions::expected(std::int32_t partition) const {
  const auto it = expected_.find(partition);
  return it == expected_.end() ? std::nullopt : it->second;
}

void PartitionPositions::advance(const std::vector<core::kafka::PartitionOffset>& next_offsets) {
  for (const auto& p : next_offsets) expected_[p.partition] = p.offset;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& p : next_offsets) last_applied_offset_[p.partition] = p.offset - 1;
}

std::vector<core::kafka::PartitionOffset> PartitionPositions::committable() const {
  std::vector<core::kafka::PartitionOffset> offsets;
  for (const auto& [partition, offset] : expected_) {
    if (offset) offsets.push_back({topic_, partition, *offset});
  }
  return offsets;
}

void PartitionPositions::setHighWatermark(std::int32_t partition, std::int64_t high) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tracked_.count(partition) > 0) high_watermark_[partition] = high;
}

std::set<std::int32_t> PartitionPositions::trackedPartitions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tracked_;
}

void PartitionPositions::track(std::int32_t partition) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!tracked_.insert(partition).second) return;
  }
  const core::metrics::Labels labels = {{"topic", topic_},
                                        {"partition", std::to_string(partition)}};
  metrics_.gauge(
      "replication_last_applied_offset",
      "Offset of the last event recorded in the replica (-1: none yet)",
      [this, partition]() {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = last_applied_offset_.find(partition);
        return it == last_applied_offset_.end() ? -1.0 : static_cast<double>(it->second);
      },
      labels);
  metrics_.gauge(
      "replication_consumer_lag", "Events on the partition after the offset stored in the replica",
      [this, partition]() {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto high = high_watermark_.find(partition);
        if (high == high_watermark_.end()) return 0.0;
        // The stored offset is the last applied one + 1 (0 when none is stored).
        const auto applied = last_applied_offset_.find(partition);
        const std::int64_t stored = applied == last_applied_offset_.end() ? 0 : applied->second + 1;
        return static_cast<double>(std::max<std::int64_t>(0, high->second - stored));
      },
      labels);
}

}  // namespace replication
