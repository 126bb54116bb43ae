#pragma once
// Batch arithmetic, no I/O: the newest change per customer (one row per id in
// the multi-row upsert), and the next offset to store per partition.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/kafka/consumer.hpp"
#include "workers/replication/replica_change.hpp"

namespace replication {

struct CollapsedChanges {
  std::vector<ReplicaChange> newest;  // one per customer id, in first-seen order
  // Per entry of `newest`: the oldest version of that customer in the batch,
  // and whether the batch's versions of it skip one (v2, v4 without v3).
  std::vector<std::int32_t> oldest_version;
  std::vector<bool> gap_inside;
  std::size_t superseded = 0;  // changes dropped for a newer (or equal) one
};

// Keeps, for each customer id, the change with the highest version; on equal
// versions (a redelivery) the first one seen.
CollapsedChanges collapseChanges(std::vector<ReplicaChange> changes);

// For each partition in `offsets`, the highest offset + 1, sorted by topic and
// partition: what the replica stores so that a restart resumes after them.
std::vector<core::kafka::PartitionOffset> nextOffsets(
    const std::vector<core::kafka::PartitionOffset>& consumed);

}  // namespace replication
