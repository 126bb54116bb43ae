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

#include <atomic>
#include <chrono>
#include <condition_variable>
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
#include "workers/replication/dead_letter.hpp"
#include "workers/replication/replica_store.hpp"

namespace replication {

inline constexpr const char* kDefaultDeadLetterTopic = "MICROSERVICE-CUSTOMER-UPDATES-DLQ";

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
  std::string problem() const;
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
  void onConsumerError(const core::Error& error);

  std::vector<core::kafka::PartitionOffset> onAssign(
      std::vector<core::kafka::PartitionOffset> partitions);
  void onRevoke(const std::vector<core::kafka::PartitionOffset>& partitions);
  void trackPartition(std::int32_t partition);

  void noteState(const std::string& state);
  void setDatabaseProblem(const std::string& problem);
  void setKafkaProblem(const std::string& problem);
  void sleepFor(std::chrono::milliseconds duration);

  ReplicatorOptions options_;
  core::metrics::Registry& metrics_;
  ReplicaStore store_;
  std::unique_ptr<DeadLetterQueue> dead_letters_;
  std::unique_ptr<core::kafka::Consumer> consumer_;

  // Loop-thread state.
  std::map<std::int32_t, std::optional<std::int64_t>> expected_;  // stored offsets (the fence)
  std::set<std::int32_t> assigned_;
  bool rebalanced_ = false;
  bool restart_needed_ = false;
  bool commit_pending_ = false;
  std::string state_;
  std::chrono::steady_clock::time_point last_commit_{};
  std::chrono::steady_clock::time_point last_housekeeping_{};

  std::atomic<bool> stopping_{false};
  std::mutex sleep_mutex_;
  std::condition_variable wake_;

  mutable std::mutex status_mutex_;  // guards everything below (read by /readyz, /metrics)
  std::string database_problem_ = "starting";
  std::string kafka_problem_ = "starting";
  std::map<std::int32_t, std::int64_t> last_applied_offset_;
  std::map<std::int32_t, std::int64_t> lag_;
  std::set<std::int32_t> tracked_;  // partitions with registered gauges
  ReplicatorStats stats_;

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
