#pragma once
// The replication worker's counters and histograms, and how one applied
// batch adds to them (the loop in replicator.cpp only hands the outcome over).

#include <cstdint>

#include "core/metrics/registry.hpp"
#include "workers/replication/change_batch.hpp"
#include "workers/replication/replica_store.hpp"

namespace replication {

// What one batch did, for ReplicatorStats and the debug line.
struct BatchCounts {
  std::uint64_t applied = 0;
  std::uint64_t stale = 0;
  std::uint64_t superseded = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t version_gaps = 0;
};

class ReplicationMetrics {
 public:
  explicit ReplicationMetrics(core::metrics::Registry& metrics);

  // Counts a committed batch: applied changes by type, skips, dead letters,
  // version gaps (each logged by customer id, a few per batch), latencies.
  BatchCounts recordBatch(const CollapsedChanges& collapsed, const ApplyOutcome& outcome,
                          std::uint64_t dead_lettered, double batch_seconds);
  // kind: kafka, dead_letter, fenced or database.
  void countError(const char* kind);

 private:
  core::metrics::Registry& registry_;
  core::metrics::Counter& applied_created_;
  core::metrics::Counter& applied_updated_;
  core::metrics::Counter& applied_deleted_;
  core::metrics::Counter& skipped_stale_;
  core::metrics::Counter& skipped_superseded_;
  core::metrics::Counter& dead_lettered_;
  core::metrics::Counter& version_gaps_;
  core::metrics::Counter& batches_;
  core::metrics::Histogram& batch_seconds_;
  core::metrics::Histogram& apply_latency_seconds_;
};

}  // namespace replication
