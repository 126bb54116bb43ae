#include "workers/notification/consumer_lag.hpp"

namespace notification {

void ConsumerLag::refresh(const core::kafka::Consumer& consumer,
                          const std::function<std::size_t(const Partition&)>& in_lanes) {
  std::map<Partition, std::int64_t> lag;
  for (const auto& p : consumer.unread()) {
    const Partition partition{p.topic, p.partition};
    lag[partition] = p.count + static_cast<std::int64_t>(in_lanes(partition));
    registerGauge(partition);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  lag_ = std::move(lag);
}

void ConsumerLag::registerGauge(const Partition& partition) {
  if (!registered_.insert(partition).second) return;
  metrics_.gauge(
      "notification_consumer_lag",
      "Events on the partition not handled yet (after the worker's position, or in its lanes)",
      [this, partition]() {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto it = lag_.find(partition);
        return it == lag_.end() ? 0.0 : static_cast<double>(it->second);
      },
      {{"topic", partition.first}, {"partition", std::to_string(partition.second)}});
}

}  // namespace notification
