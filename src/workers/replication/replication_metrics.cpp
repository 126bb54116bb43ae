#include "workers/replication/replication_metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

namespace replication {

namespace {

// From milliseconds to an hour: a backlog is applied long after its events.
std::vector<double> applyLatencyBuckets() {
  auto buckets = core::metrics::fineLatencyBuckets();
  buckets.insert(buckets.end(), {30, 60, 120, 300, 600, 1800, 3600});
  return buckets;
}

const char* kAppliedHelp = "Events applied to the replica, by event type";
const char* kSkippedHelp =
    "Events not applied: stale (the replica had the same or a newer version) or superseded "
    "(a newer change of the customer was in the same batch)";
const char* kErrorsHelp = "Replication failures by kind; each one restarts from the stored offsets";

// Applied changes that skipped versions, against the replica row or within
// the batch; each is logged by customer id (a few per batch at most).
std::uint64_t countVersionGaps(const CollapsedChanges& collapsed,
                               const std::unordered_set<std::int64_t>& applied,
                               const std::vector<std::int64_t>& gap_ids) {
  std::unordered_set<std::int64_t> gaps(gap_ids.begin(), gap_ids.end());
  for (std::size_t i = 0; i < collapsed.newest.size(); ++i) {
    const auto id = collapsed.newest[i].row.id;
    if (collapsed.gap_inside[i] && applied.count(id) > 0) gaps.insert(id);
  }
  constexpr std::size_t kLoggedPerBatch = 5;
  std::size_t logged = 0;
  for (const auto id : gaps) {
    if (logged++ == kLoggedPerBatch) break;
    spdlog::warn(
        "customer_id={} skipped versions: the replica never saw some of its changes "
        "(lost or forged events); verify --repair heals the row",
        id);
  }
  return gaps.size();
}

}  // namespace

ReplicationMetrics::ReplicationMetrics(core::metrics::Registry& metrics)
    : registry_(metrics),
      applied_created_(metrics.counter("replication_events_applied_total", kAppliedHelp,
                                       {{"type", "customer.created"}})),
      applied_updated_(metrics.counter("replication_events_applied_total", kAppliedHelp,
                                       {{"type", "customer.updated"}})),
      applied_deleted_(metrics.counter("replication_events_applied_total", kAppliedHelp,
                                       {{"type", "customer.deleted"}})),
      skipped_stale_(
          metrics.counter("replication_events_skipped_total", kSkippedHelp, {{"reason", "stale"}})),
      skipped_superseded_(metrics.counter("replication_events_skipped_total", kSkippedHelp,
                                          {{"reason", "superseded"}})),
      dead_lettered_(
          metrics.counter("replication_events_dead_lettered_total",
                          "Malformed or unsupported events sent to the dead-letter topic")),
      version_gaps_(metrics.counter(
          "replication_version_gaps_total",
          "Applied changes more than one version ahead of the replica row (versions never "
          "arrived, or a forged event): run verify, and verify --repair")),
      batches_(metrics.counter("replication_batches_total", "Batches committed to the replica")),
      batch_seconds_(metrics.histogram("replication_batch_duration_seconds",
                                       "Time to parse, dead-letter and apply one batch")),
      apply_latency_seconds_(metrics.histogram(
          "replication_apply_latency_seconds",
          "From the event's event_ts to its commit in the replica", {}, applyLatencyBuckets())) {}

void ReplicationMetrics::countError(const char* kind) {
  registry_.counter("replication_errors_total", kErrorsHelp, {{"kind", kind}}).increment();
}

BatchCounts ReplicationMetrics::recordBatch(const CollapsedChanges& collapsed,
                                            const ApplyOutcome& outcome,
                                            std::uint64_t dead_lettered, double batch_seconds) {
  const double now_seconds =
      static_cast<double>(core::domain::Timestamp::now().micros_since_epoch) / 1e6;
  const std::unordered_set<std::int64_t> applied(outcome.applied_ids.begin(),
                                                 outcome.applied_ids.end());
  BatchCounts counts;
  for (const auto& change : collapsed.newest) {
    if (applied.count(change.row.id) == 0) continue;
    ++counts.applied;
    switch (change.type) {
      case core::domain::CrudEventType::kCreated: applied_created_.increment(); break;
      case core::domain::CrudEventType::kUpdated: applied_updated_.increment(); break;
      case core::domain::CrudEventType::kDeleted: applied_deleted_.increment(); break;
    }
    apply_latency_seconds_.observe(
        std::max(0.0, now_seconds - static_cast<double>(change.event_ts.micros_since_epoch) / 1e6));
  }
  counts.version_gaps = countVersionGaps(collapsed, applied, outcome.gap_ids);
  counts.stale = collapsed.newest.size() - counts.applied;
  counts.superseded = collapsed.superseded;
  counts.dead_lettered = dead_lettered;
  skipped_stale_.increment(counts.stale);
  skipped_superseded_.increment(counts.superseded);
  dead_lettered_.increment(counts.dead_lettered);
  version_gaps_.increment(counts.version_gaps);
  batches_.increment();
  batch_seconds_.observe(batch_seconds);
  return counts;
}

}  // namespace replication
