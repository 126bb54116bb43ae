#pragma once
// Where each partition assigned to this worker stands: the offset stored in
// the replica (the fence a batch must match), the last applied offset and the
// lag, with their per-partition gauges. The loop thread changes it; /metrics
// reads the gauges from the status server's thread.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/kafka/consumer.hpp"
#include "core/metrics/registry.hpp"

namespace replication {

class PartitionPositions {
 public:
  PartitionPositions(std::string topic, core::metrics::Registry& metrics);

  // The stored offsets (next offset to apply) at assignment; a partition
  // without one starts at the beginning and has no fence yet.
  void assign(std::int32_t partition, std::optional<std::int64_t> stored);
  void revoke(std::int32_t partition);
  void clear();  // the consumer is thrown away

  bool assigned(std::int32_t partition) const { return expected_.count(partition) > 0; }
  bool empty() const { return expected_.empty(); }
  std::set<std::int32_t> partitions() const;
  // The fence of a partition: the stored offset, or nullopt when there is none.
  std::optional<std::int64_t> expected(std::int32_t partition) const;
  // A batch was recorded: these are the next offsets now stored.
  void advance(const std::vector<core::kafka::PartitionOffset>& next_offsets);
  // The offsets to commit to Kafka (for lag tools; the replica's are what count).
  std::vector<core::kafka::PartitionOffset> committable() const;
  // The partition's end as last seen; any thread. The lag gauge is the end
  // minus the stored offset, so it grows while a batch waits on the replica.
  void setHighWatermark(std::int32_t partition, std::int64_t high);
  // The partitions with gauges (assigned ones); any thread.
  std::set<std::int32_t> trackedPartitions() const;

 private:
  void track(std::int32_t partition);

  const std::string topic_;
  core::metrics::Registry& metrics_;
  std::map<std::int32_t, std::optional<std::int64_t>> expected_;  // loop thread only

  mutable std::mutex mutex_;  // guards the gauges' values below
  std::map<std::int32_t, std::int64_t> last_applied_offset_;
  std::map<std::int32_t, std::int64_t> high_watermark_;
  std::set<std::int32_t> tracked_;  // partitions with registered gauges
};

}  // namespace replication
