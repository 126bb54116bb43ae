#include "workers/notification/consumer_lag.hpp"

#include <algorithm>

namespace notification {

core::Status ConsumerLag::refresh(core::kafka::Consumer& consumer, int timeout_ms) {
  const auto assigned = consumer.assignment();
  auto committed = consumer.committed(assigned, timeout_ms);
  if (!committed) return committed.error();
  std::map<Partition, std::int64_t> lag;
  for (const auto& p : *committed) {
    auto marks = consumer.watermarks(p.topic, p.partition, timeout_ms);
    if (!marks) return marks.error();
    const auto [low, high] = *marks;
    // No committed offset yet: the group starts at the beginning (earliest).
    const std::int64_t from = p.offset >= 0 ? p.offset : low;
    lag[{p.topic, p.partition}] = std::max<std::int64_t>(0, high - from);
  }
  for (const auto& [partition, value] : lag) registerGauge(partition);
  std::lock_guard<std::mutex> lock(mutex_);
  lag_ = std::move(lag);
  return {};
}

void ConsumerLag::registerGauge(const Partition& partition) {
  if (!registered_.insert(partition).second) return;
  metrics_.gauge("notification_consumer_lag",
                 "Events on the partition after the group's committed offset (not handled yet)",
                 [this, partition]() {
                   std::lock_guard<std::mutex> lock(mutex_);
                   const auto it = lag_.find(partition);
                   return it == lag_.end() ? 0.0 : static_cast<double>(it->second);
                 },
                 {{"topic", partition.first}, {"partition", std::to_string(partition.second)}});
}

}  // namespace notification
