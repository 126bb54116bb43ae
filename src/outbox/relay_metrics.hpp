#pragma once
// Every series the publishing loop exports, registered once when the relay is
// built, so that the loop only increments and observes.

#include <atomic>
#include <cstdint>
#include <string>

#include "core/metrics/registry.hpp"

namespace outbox {

struct RelayMetrics {
  // `leader` is read whenever the metrics are rendered.
  RelayMetrics(core::metrics::Registry& registry, const std::atomic<bool>& leader);
  RelayMetrics(const RelayMetrics&) = delete;
  RelayMetrics& operator=(const RelayMetrics&) = delete;

  // outbox_published_total{topic}: rows published and marked.
  void published(const std::string& topic, std::uint64_t rows);

  core::metrics::Histogram& batch_seconds;
  core::metrics::Histogram& commit_to_ack_seconds;
  core::metrics::Counter& polls;
  core::metrics::Counter& read_ahead_batches;
  // outbox_errors_total by kind
  core::metrics::Counter& database_errors;
  core::metrics::Counter& delivery_errors;
  core::metrics::Counter& parked;
  // The gauges' values, refreshed from the database every few seconds.
  std::atomic<std::int64_t> backlog_rows{0};
  std::atomic<std::int64_t> parked_rows{0};
  std::atomic<double> oldest_age_seconds{0};
  std::atomic<std::int64_t> slot_retained_bytes{0};  // --source wal

 private:
  core::metrics::Registry& registry_;  // for the per-topic series, found as topics appear
};

}  // namespace outbox
