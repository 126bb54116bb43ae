#include "outbox/relay_metrics.hpp"

namespace outbox {

namespace {

constexpr const char* kErrors = "outbox_errors_total";
constexpr const char* kErrorsHelp = "Relay errors by kind";

}  // namespace

RelayMetrics::RelayMetrics(core::metrics::Registry& registry, const std::atomic<bool>& leader)
    : batch_seconds(registry.histogram("outbox_batch_duration_seconds",
                                       "Time to read, publish and mark one batch")),
      commit_to_ack_seconds(registry.histogram(
          "outbox_commit_to_ack_seconds", "From outbox created_at to the broker's delivery report",
          {}, core::metrics::fineLatencyBuckets())),
      polls(registry.counter("outbox_polls_total", "Queries for pending rows")),
      read_ahead_batches(registry.counter("outbox_read_ahead_batches_total",
                                          "Batches read while the previous one was in flight")),
      database_errors(registry.counter(kErrors, kErrorsHelp, {{"kind", "database"}})),
      delivery_errors(registry.counter(kErrors, kErrorsHelp, {{"kind", "delivery"}})),
      parked(registry.counter(kErrors, kErrorsHelp, {{"kind", "parked"}})),
      registry_(registry) {
  registry.gauge("outbox_leader", "1 while this relay holds the leader lock",
                 [&leader]() { return leader ? 1.0 : 0.0; });
  registry.gauge("outbox_backlog_rows", "Unpublished, unparked outbox rows",
                 [this]() { return static_cast<double>(backlog_rows.load()); });
  registry.gauge("outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished row",
                 [this]() { return oldest_age_seconds.load(); });
  registry.gauge("outbox_slot_retained_wal_bytes",
                 "--source wal: WAL the server keeps for the relay's replication slot",
                 [this]() { return static_cast<double>(slot_retained_bytes.load()); });
  registry.gauge("outbox_parked_rows", "Rows parked after the broker refused them",
                 [this]() { return static_cast<double>(parked_rows.load()); });
}

void RelayMetrics::published(const std::string& topic, std::uint64_t rows) {
  registry_
      .counter("outbox_published_total", "Rows published and marked, by topic", {{"topic", topic}})
      .increment(rows);
}

}  // namespace outbox
