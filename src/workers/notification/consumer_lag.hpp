#pragma once
// notification_consumer_lag{topic,partition}: events on each assigned
// partition after the group's committed offset, i.e. e-mails (and retries)
// not yet handled. The same figure as kafka-consumer-groups' LAG, on the
// worker's /metrics so that dashboards and the web UI's pipeline panel need
// no Kafka access of their own.

#include <cstdint>
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
  explicit ConsumerLag(core::metrics::Registry& metrics) : metrics_(metrics) {}

  // Asks the brokers for the committed offsets and high watermarks of the
  // consumer's assignment (each request bounded by timeout_ms). Partitions no
  // longer assigned read 0. Call only while the brokers answer: a watermark
  // request to a broker that is gone waits for the socket timeout.
  core::Status refresh(core::kafka::Consumer& consumer, int timeout_ms);

 private:
  using Partition = std::pair<std::string, std::int32_t>;
  void registerGauge(const Partition& partition);  // once per partition ever seen

  core::metrics::Registry& metrics_;
  std::mutex mutex_;
  std::map<Partition, std::int64_t> lag_;
  std::set<Partition> registered_;
};

}  // namespace notification
