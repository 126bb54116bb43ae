#include "workers/replication/replicator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "core/logging/logging.hpp"
#include "workers/replication/change_batch.hpp"
#include "workers/replication/replica_change.hpp"

namespace replication {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{200};
constexpr int kBrokerCheckTimeoutMs = 1000;  // the readiness probe of the brokers

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

Replicator::Replicator(ReplicatorOptions options, core::metrics::Registry& metrics)
    : options_(std::move(options)),
      metrics_(metrics),
      store_(options_.database_url),
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
          "From the event's event_ts to its commit in the replica", {}, applyLatencyBuckets())) {
  metrics.gauge("replication_ready", "1 when the replica database and the brokers are reachable",
                [this]() { return problem().empty() ? 1.0 : 0.0; });
  metrics.gauge("replication_assigned_partitions", "Partitions assigned to this worker", [this]() {
    std::lock_guard<std::mutex> lock(status_mutex_);
    return static_cast<double>(tracked_.size());
  });
}

Replicator::~Replicator() {
  consumer_.reset();  // its rebalance hooks point at this object
}

void Replicator::stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(sleep_mutex_);
  wake_.notify_all();
}

void Replicator::sleepFor(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(sleep_mutex_);
  wake_.wait_for(lock, duration, [this]() { return stopping_.load(); });
}

void Replicator::noteState(const std::string& state) {
  if (state == state_) return;
  state_ = state;
  spdlog::info("state: {}", state);
}

void Replicator::setDatabaseProblem(const std::string& problem) {
  std::lock_guard<std::mutex> lock(status_mutex_);
  database_problem_ = problem;
}

void Replicator::setKafkaProblem(const std::string& problem) {
  std::lock_guard<std::mutex> lock(status_mutex_);
  kafka_problem_ = problem;
}

std::string Replicator::problem() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  if (!database_problem_.empty()) return "replica database: " + database_problem_;
  if (!kafka_problem_.empty()) return "kafka: " + kafka_problem_;
  return "";
}

ReplicatorStats Replicator::stats() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return stats_;
}

void Replicator::trackPartition(std::int32_t partition) {
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    if (!tracked_.insert(partition).second) return;
  }
  const core::metrics::Labels labels = {{"topic", options_.topic},
                                        {"partition", std::to_string(partition)}};
  metrics_.gauge(
      "replication_last_applied_offset",
      "Offset of the last event recorded in the replica (-1: none yet)",
      [this, partition]() {
        std::lock_guard<std::mutex> lock(status_mutex_);
        auto it = last_applied_offset_.find(partition);
        return it == last_applied_offset_.end() ? -1.0 : static_cast<double>(it->second);
      },
      labels);
  metrics_.gauge(
      "replication_consumer_lag", "Events on the partition after the offset stored in the replica",
      [this, partition]() {
        std::lock_guard<std::mutex> lock(status_mutex_);
        auto it = lag_.find(partition);
        return it == lag_.end() ? 0.0 : static_cast<double>(it->second);
      },
      labels);
}

core::Status Replicator::ensureStore() {
  if (store_.connected()) return {};
  auto connected = store_.connect();
  if (!connected) {
    setDatabaseProblem(connected.error().message);
    return connected;
  }
  setDatabaseProblem("");
  return {};
}

core::Status Replicator::ensureDeadLetters() {
  if (dead_letters_ && !dead_letters_->broken()) return {};
  core::kafka::ProducerOptions producer_options;
  producer_options.brokers = options_.brokers;
  producer_options.client_id = "replication-worker-dlq";
  producer_options.extra = {
      {"message.timeout.ms", std::to_string(options_.dead_letter_timeout.count())}};
  producer_options.extra.insert(producer_options.extra.end(), options_.kafka_properties.begin(),
                                options_.kafka_properties.end());
  auto producer = core::kafka::Producer::create(producer_options);
  if (!producer) return producer.error();
  dead_letters_ = std::make_unique<DeadLetterQueue>(options_.dead_letter_topic, options_.group_id,
                                                    std::move(producer).value());
  return {};
}

core::Status Replicator::ensureConsumer() {
  if (consumer_) return {};
  core::kafka::ConsumerOptions consumer_options;
  consumer_options.brokers = options_.brokers;
  consumer_options.group_id = options_.group_id;
  consumer_options.topics = {options_.topic};
  consumer_options.client_id = "replication-worker";
  consumer_options.auto_offset_reset = "earliest";
  consumer_options.extra = options_.kafka_properties;
  consumer_options.membership = options_.membership;
  consumer_options.on_assign = [this](std::vector<core::kafka::PartitionOffset> partitions) {
    return onAssign(std::move(partitions));
  };
  consumer_options.on_revoke = [this](const std::vector<core::kafka::PartitionOffset>& partitions) {
    onRevoke(partitions);
  };
  auto consumer = core::kafka::Consumer::create(consumer_options);
  if (!consumer) return consumer.error();
  consumer_ = std::move(consumer).value();
  expected_.clear();
  assigned_.clear();
  restart_needed_ = false;
  rebalanced_ = false;
  return {};
}

std::vector<core::kafka::PartitionOffset> Replicator::onAssign(
    std::vector<core::kafka::PartitionOffset> partitions) {
  rebalanced_ = true;
  auto stored = store_.storedOffsets(options_.group_id, options_.topic);
  if (!stored) {
    // Nothing read now may be applied: the loop restarts the consumer once
    // the database answers again.
    spdlog::warn("cannot read the stored offsets on assignment: {}", stored.error().message);
    setDatabaseProblem(stored.error().message);
    restart_needed_ = true;
    for (auto& p : partitions) p.offset = core::kafka::kOffsetEnd;
    return partitions;
  }
  for (auto& p : partitions) {
    const auto it = stored->find(p.partition);
    if (it != stored->end()) {
      p.offset = it->second;
      expected_[p.partition] = it->second;
    } else {
      // Never applied by this group: from the beginning (versions make any
      // event the replica already has a harmless skip).
      p.offset = core::kafka::kOffsetBeginning;
      expected_[p.partition] = std::nullopt;
    }
    assigned_.insert(p.partition);
    trackPartition(p.partition);
    if (it != stored->end()) {
      std::lock_guard<std::mutex> lock(status_mutex_);
      last_applied_offset_[p.partition] = it->second - 1;
    }
    spdlog::info("assigned {}/{}: starting at {}", p.topic, p.partition,
                 it != stored->end() ? "stored offset " + std::to_string(it->second)
                                     : std::string("the beginning (no stored offset)"));
  }
  return partitions;
}

void Replicator::onRevoke(const std::vector<core::kafka::PartitionOffset>& partitions) {
  rebalanced_ = true;
  for (const auto& p : partitions) {
    expected_.erase(p.partition);
    assigned_.erase(p.partition);
    std::lock_guard<std::mutex> lock(status_mutex_);
    tracked_.erase(p.partition);
    lag_.erase(p.partition);
    spdlog::info("revoked {}/{}", p.topic, p.partition);
  }
}

void Replicator::onConsumerError(const Error& error) {
  metrics_.counter("replication_errors_total", kErrorsHelp, {{"kind", "kafka"}}).increment();
  setKafkaProblem(error.message);
  noteState("waiting for the brokers: " + error.message);
  if (error.kind == ErrorKind::kFatal) restart_needed_ = true;
}

std::vector<core::kafka::ConsumedMessage> Replicator::collect() {
  std::vector<core::kafka::ConsumedMessage> batch;
  batch.reserve(std::min<std::size_t>(options_.batch_size, 4096));
  while (batch.size() < options_.batch_size) {
    const int timeout =
        batch.empty() && !stopping_ ? static_cast<int>(options_.poll_timeout.count()) : 0;
    auto polled = consumer_->poll(timeout);
    if (rebalanced_) {
      // What was read before a rebalance may belong to partitions given away,
      // or be re-read from the stored offsets: start the batch over.
      batch.clear();
      rebalanced_ = false;
    }
    if (!polled) {
      onConsumerError(polled.error());
      break;
    }
    if (!polled->has_value()) break;
    auto& message = **polled;
    if (message.topic != options_.topic || assigned_.count(message.partition) == 0) continue;
    batch.push_back(std::move(message));
    if (stopping_ && timeout > 0) break;
  }
  return batch;
}

Replicator::Pass Replicator::runBatch() {
  auto messages = collect();
  if (restart_needed_) return Pass::kFailed;
  if (messages.empty()) return Pass::kIdle;
  setKafkaProblem("");
  const auto started = Clock::now();

  // Parse; what cannot be applied goes to the dead-letter topic first.
  std::vector<ReplicaChange> changes;
  changes.reserve(messages.size());
  std::vector<DeadLetter> letters;
  std::vector<core::kafka::PartitionOffset> consumed;
  consumed.reserve(messages.size());
  for (auto& message : messages) {
    consumed.push_back({message.topic, message.partition, message.offset});
    auto change = parseChange(message);
    if (change) {
      changes.push_back(std::move(change).value());
      continue;
    }
    spdlog::error("dead-lettering event at {}/{} offset={} key={}: {}", message.topic,
                  message.partition, message.offset, core::logging::printable(message.key),
                  core::logging::printable(change.error().message));
    letters.push_back({std::move(message), change.error().message});
  }
  if (!letters.empty()) {
    if (auto ready = ensureDeadLetters(); !ready) {
      setKafkaProblem("dead-letter producer: " + ready.error().message);
      metrics_.counter("replication_errors_total", kErrorsHelp, {{"kind", "dead_letter"}})
          .increment();
      restartConsumer("cannot create the dead-letter producer: " + ready.error().message);
      return Pass::kFailed;
    }
    if (auto sent = dead_letters_->send(letters, options_.dead_letter_timeout); !sent) {
      setKafkaProblem("dead-letter topic " + options_.dead_letter_topic + ": " +
                      sent.error().message);
      metrics_.counter("replication_errors_total", kErrorsHelp, {{"kind", "dead_letter"}})
          .increment();
      restartConsumer("dead-lettering failed: " + sent.error().message);
      return Pass::kFailed;
    }
  }

  // One transaction: fence, upsert the newest change per customer, store offsets.
  auto collapsed = collapseChanges(std::move(changes));
  ApplyRequest request;
  request.group = options_.group_id;
  request.topic = options_.topic;
  request.changes = &collapsed.newest;
  request.oldest_versions = &collapsed.oldest_version;
  request.next_offsets = nextOffsets(consumed);
  for (const auto& p : request.next_offsets) {
    const auto it = expected_.find(p.partition);
    request.expected[p.partition] = it == expected_.end() ? std::nullopt : it->second;
  }
  auto outcome = store_.apply(request);
  if (!outcome) {
    const auto& error = outcome.error();
    const char* kind = error.kind == ErrorKind::kConflict ? "fenced" : "database";
    metrics_.counter("replication_errors_total", kErrorsHelp, {{"kind", kind}}).increment();
    if (error.kind != ErrorKind::kConflict) setDatabaseProblem(error.message);
    restartConsumer(
        std::string(error.kind == ErrorKind::kConflict ? "fenced: " : "apply failed: ") +
        error.message);
    return Pass::kFailed;
  }
  setDatabaseProblem("");

  // Recorded: move the fence and count.
  const double now_seconds =
      static_cast<double>(core::domain::Timestamp::now().micros_since_epoch) / 1e6;
  const std::unordered_set<std::int64_t> applied(outcome->applied_ids.begin(),
                                                 outcome->applied_ids.end());
  std::uint64_t applied_count = 0;
  for (const auto& change : collapsed.newest) {
    if (applied.count(change.row.id) == 0) continue;
    ++applied_count;
    switch (change.type) {
      case core::domain::CrudEventType::kCreated: applied_created_.increment(); break;
      case core::domain::CrudEventType::kUpdated: applied_updated_.increment(); break;
      case core::domain::CrudEventType::kDeleted: applied_deleted_.increment(); break;
    }
    apply_latency_seconds_.observe(
        std::max(0.0, now_seconds - static_cast<double>(change.event_ts.micros_since_epoch) / 1e6));
  }
  const std::uint64_t gaps = countVersionGaps(collapsed, applied, outcome->gap_ids);
  const std::uint64_t stale = collapsed.newest.size() - applied_count;
  skipped_stale_.increment(stale);
  skipped_superseded_.increment(collapsed.superseded);
  dead_lettered_.increment(letters.size());
  version_gaps_.increment(gaps);
  batches_.increment();
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    for (const auto& p : request.next_offsets) last_applied_offset_[p.partition] = p.offset - 1;
    stats_.applied += applied_count;
    stats_.stale += stale;
    stats_.superseded += collapsed.superseded;
    stats_.dead_lettered += letters.size();
    stats_.version_gaps += gaps;
    ++stats_.batches;
  }
  for (const auto& p : request.next_offsets) expected_[p.partition] = p.offset;
  commit_pending_ = true;
  batch_seconds_.observe(std::chrono::duration<double>(Clock::now() - started).count());
  spdlog::debug("batch of {} events: applied={} stale={} superseded={} dead_lettered={}",
                messages.size(), applied_count, stale, collapsed.superseded, letters.size());
  return Pass::kApplied;
}

void Replicator::restartConsumer(const std::string& why) {
  spdlog::warn("restarting from the stored offsets: {}", why);
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    ++stats_.restarts;
  }
  if (consumer_) {
    consumer_->close();
    consumer_.reset();
  }
  expected_.clear();
  assigned_.clear();
  commit_pending_ = false;
}

void Replicator::commitToKafka(bool force) {
  if (!consumer_ || !commit_pending_) return;
  const auto now = Clock::now();
  if (!force && now - last_commit_ < options_.kafka_commit_interval) return;
  last_commit_ = now;
  std::vector<core::kafka::PartitionOffset> offsets;
  for (const auto& [partition, offset] : expected_) {
    if (offset) offsets.push_back({options_.topic, partition, *offset});
  }
  if (offsets.empty()) return;
  // Secondary (lag tools read it): the replica's offsets are what count.
  if (auto committed = consumer_->commit(offsets); !committed) {
    spdlog::debug("Kafka offset commit failed (monitoring only): {}", committed.error().message);
    return;
  }
  commit_pending_ = false;
}

void Replicator::housekeeping() {
  const auto now = Clock::now();
  if (now - last_housekeeping_ < options_.lag_interval) return;
  last_housekeeping_ = now;
  if (auto alive = store_.ping(); !alive) {
    setDatabaseProblem(alive.error().message);
    noteState("waiting for the replica database: " + alive.error().message);
    return;
  }
  setDatabaseProblem("");
  if (!consumer_) return;
  // Bounded, unlike the watermark request below when the brokers are gone.
  if (auto answered = consumer_->checkBrokers(kBrokerCheckTimeoutMs); !answered) {
    setKafkaProblem(answered.error().message);
    noteState("waiting for the brokers: " + answered.error().message);
    return;
  }
  // With nothing assigned, partition 0 still tells whether the brokers answer.
  const std::set<std::int32_t> partitions =
      assigned_.empty() ? std::set<std::int32_t>{0} : assigned_;
  for (const auto partition : partitions) {
    auto marks = consumer_->watermarks(options_.topic, partition, 1000);
    if (!marks) {
      setKafkaProblem(marks.error().message);
      noteState("waiting for the brokers: " + marks.error().message);
      return;
    }
    const std::int64_t high = marks->second;
    if (assigned_.count(partition) == 0) continue;
    const auto it = expected_.find(partition);
    const std::int64_t position = it != expected_.end() && it->second ? *it->second : 0;
    std::lock_guard<std::mutex> lock(status_mutex_);
    lag_[partition] = std::max<std::int64_t>(0, high - position);
  }
  setKafkaProblem("");
}

void Replicator::run() {
  auto backoff = kFirstBackoff;
  const auto fail = [&](const std::string& state) {
    noteState(state);
    sleepFor(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  };
  while (!stopping_) {
    if (auto ready = ensureStore(); !ready) {
      fail("waiting for the replica database: " + ready.error().message);
      continue;
    }
    if (auto ready = ensureConsumer(); !ready) {
      setKafkaProblem(ready.error().message);
      fail("cannot create the consumer: " + ready.error().message);
      continue;
    }
    switch (runBatch()) {
      case Pass::kApplied:
        noteState("replicating");
        backoff = kFirstBackoff;
        break;
      case Pass::kIdle:
        if (problem().empty()) {
          noteState(assigned_.empty() ? "waiting for a partition assignment" : "replicating");
        }
        break;
      case Pass::kFailed:
        if (restart_needed_ && consumer_) restartConsumer("the consumer must be rebuilt");
        fail("retrying after a failure: " + problem());
        break;
    }
    commitToKafka(false);
    housekeeping();
  }
  commitToKafka(true);
  if (consumer_) consumer_->close();
  noteState("stopped");
}

}  // namespace replication
