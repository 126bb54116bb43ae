#pragma once
// notification_consumer_lag{topic,partition}: events on each assigned
// partition (notification and retry topics) that are not handled yet: on the
// topic after what the worker has read, plus those read and still in its
// lanes. On the worker's /metrics so that dashboards and the web UI's
// pipeline panel need no Kafka access of their own. Computed from what the
// consumer already knows (the last fetch's high watermark, its position):
// no broker round trip on the consumer's thread, which a rebalance would stall.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "core/kafka/consumer.hpp"
#include "core/metrics/registry.hpp"

namespace notification {

class ConsumerLag {
 public:
  using Partition = std::pair<std::string, std::int32_t>;
  explicit ConsumerLag(core::metrics::Registry& metrics) : metrics_(metrics) {}

  // `in_lanes(partition)`: events read from the partition and not finished.
  // Partitions no longer assigned read 0.
  void refresh(const core::kafka::Consumer& consumer,
               const std::function<std::size_t(const Partition&)>& in_lanes);

 private:
  void registerGauge(const Partition& partition);  // once per partition ever seen

  core::metrics::Registry& metrics_;
  std::mutex mutex_;
  std::map<Partition, std::int64_t> lag_;
  std::set<Partition> registered_;
};

}  // namespace notification
