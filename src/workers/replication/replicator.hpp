#pragma once
// The consuming loop. Each pass: collect up to batch_size messages, parse them,
// dead-letter the ones that cannot be applied (and wait for the broker's
// acknowledgement), then apply the newest change per customer and store the
// batch's next offsets in ONE replica transaction. On assignment each
// partition starts at the offset stored in the replica, so every event takes
// effect once whatever Kafka redelivers. Any failure (database, broker, a
// fenced offset) throws the consumer away; the next one starts again from the
// stored offsets. Kafka's own group offsets are committed now and then, for
// lag monitoring only.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/domain/events.hpp"
#include "core/kafka/consumer.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/readiness.hpp"
#include "core/runtime/state_log.hpp"
#include "core/runtime/stop_signal.hpp"
#include "workers/replication/dead_letter.hpp"
#include "workers/replication/partition_positions.hpp"
#include "workers/replication/replica_store.hpp"
#include "workers/replication/replication_metrics.hpp"

namespace replication {

inline constexpr const char* kDefaultDeadLetterTopic =
    core::domain::kCustomerUpdatesDeadLetterTopic;

struct ReplicatorOptions {
  std::string database_url;
  std::string brokers;
  std::string topic = core::domain::kCustomerUpdatesTopic;
  std::string group_id = "replication-worker";
  std::string dead_letter_topic = kDefaultDeadLetterTopic;
  core::kafka::Properties kafka_properties;  // -X overrides (consumer and DLQ producer)
  std::size_t batch_size = 1000;
  core::kafka::GroupMembership membership;
  std::chrono::milliseconds poll_timeout{500};           // wait for a batch's first message
  std::chrono::milliseconds dead_letter_timeout{30000};  // wait for the DLQ acknowledgement
  std::chrono::milliseconds kafka_commit_interval{1000};
  std::chrono::milliseconds lag_interval{2000};  // lag gauge and idle health checks
  std::chrono::milliseconds max_backoff{5000};
};

// Totals since start, for tests and logs (the same numbers are on /metrics).
struct ReplicatorStats {
  std::uint64_t applied = 0;
  std::uint64_t stale = 0;       // the replica had the same or a newer version
  std::uint64_t superseded = 0;  // a newer change of the customer was in the same batch
  std::uint64_t dead_lettered = 0;
  std::uint64_t version_gaps = 0;  // applied changes that skipped versions
  std::uint64_t batches = 0;
  std::uint64_t restarts = 0;  // consumer thrown away after a failure
};

class Replicator {
 public:
  Replicator(ReplicatorOptions options, core::metrics::Registry& metrics);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // Runs until stop(); the batch in flight is finished and recorded first.
  void run();
  void stop();

  // Empty when ready, else what is wrong (for /readyz).
  std::string problem() const { return readiness_.problem(); }
  ReplicatorStats stats() const;

 private:
  enum class Pass { kIdle, kApplied, kFailed };

  core::Status ensureStore();
  core::Status ensureConsumer();
  core::Status ensureDeadLetters();
  Pass runBatch();
  std::vector<core::kafka::ConsumedMessage> collect();
  void restartConsumer(const std::string& why);
  void commitToKafka(bool force);
  void housekeeping();
  // Its own thread: the lag gauges follow the fetcher's view of each
  // partition's end, so they grow while a batch waits on a slow replica.
  void watchLag();
  void onConsumerError(const core::Error& error);

  std::vector<core::kafka::PartitionOffset> onAssign(
      std::vector<core::kafka::PartitionOffset> partitions);
  void onRevoke(const std::vector<core::kafka::PartitionOffset>& partitions);

  void setDatabaseProblem(const std::string& problem);
  void setKafkaProblem(const std::string& problem);

  ReplicatorOptions options_;
  ReplicaStore store_;
  std::unique_ptr<DeadLetterQueue> dead_letters_;
  std::unique_ptr<core::kafka::Consumer> consumer_;
  // Guards replacing consumer_ (loop thread) against watchLag() reading it.
  std::mutex consumer_mutex_;

  // Loop-thread state.
  bool rebalanced_ = false;
  bool restart_needed_ = false;
  bool commit_pending_ = false;
  std::chrono::steady_clock::time_point last_commit_{};
  std::chrono::steady_clock::time_point last_housekeeping_{};

  core::runtime::StopSignal stop_;
  core::runtime::StateLog state_log_;
  // The loop logs its own state, so readiness changes are not logged again.
  core::runtime::Readiness readiness_{{"replica database", "kafka"}, false};
  ReplicationMetrics counters_;

  PartitionPositions positions_;

  mutable std::mutex status_mutex_;  // guards stats_ (read by tests and logs)
  ReplicatorStats stats_;
};

}  // namespace replication
