#include "workers/replication/replicator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <unordered_set>

#include "core/logging/logging.hpp"
#include "core/runtime/backoff.hpp"
#include "workers/replication/change_batch.hpp"
#include "workers/replication/replica_change.hpp"

namespace replication {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {
constexpr int kBrokerCheckTimeoutMs = 1000;  // the readiness probe of the brokers
}  // namespace

Replicator::Replicator(ReplicatorOptions options, core::metrics::Registry& metrics)
    : options_(std::move(options)),
      store_(options_.database_url),
      counters_(metrics),
      positions_(options_.topic, metrics) {
  metrics.gauge("replication_ready", "1 when the replica database and the brokers are reachable",
                [this]() { return problem().empty() ? 1.0 : 0.0; });
}

Replicator::~Replicator() {
  std::lock_guard<std::mutex> lock(consumer_mutex_);
  consumer_.reset();  // its rebalance hooks point at this object
}

void Replicator::stop() {
  stop_.stop();
}

void Replicator::setDatabaseProblem(const std::string& problem) {
  readiness_.set("replica database", problem);
}

void Replicator::setKafkaProblem(const std::string& problem) {
  readiness_.set("kafka", problem);
}

ReplicatorStats Replicator::stats() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return stats_;
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
  std::lock_guard<std::mutex> lock(consumer_mutex_);
  consumer_ = std::move(consumer).value();
  positions_.clear();
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
    // Never applied by this group: from the beginning (versions make any
    // event the replica already has a harmless skip).
    p.offset = it != stored->end() ? it->second : core::kafka::kOffsetBeginning;
    positions_.assign(p.partition,
                      it != stored->end() ? std::optional<std::int64_t>(it->second) : std::nullopt);
    spdlog::info("assigned {}/{}: starting at {}", p.topic, p.partition,
                 it != stored->end() ? "stored offset " + std::to_string(it->second)
                                     : std::string("the beginning (no stored offset)"));
  }
  return partitions;
}

void Replicator::onRevoke(const std::vector<core::kafka::PartitionOffset>& partitions) {
  rebalanced_ = true;
  for (const auto& p : partitions) {
    positions_.revoke(p.partition);
    spdlog::info("revoked {}/{}", p.topic, p.partition);
  }
}

void Replicator::onConsumerError(const Error& error) {
  counters_.countError("kafka");
  setKafkaProblem(error.message);
  state_log_.note("waiting for the brokers: " + error.message);
  if (error.kind == ErrorKind::kFatal) restart_needed_ = true;
}

std::vector<core::kafka::ConsumedMessage> Replicator::collect() {
  std::vector<core::kafka::ConsumedMessage> batch;
  batch.reserve(std::min<std::size_t>(options_.batch_size, 4096));
  while (batch.size() < options_.batch_size) {
    const int timeout =
        batch.empty() && !stop_.stopping() ? static_cast<int>(options_.poll_timeout.count()) : 0;
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
    if (message.topic != options_.topic || !positions_.assigned(message.partition)) continue;
    batch.push_back(std::move(message));
    if (stop_.stopping() && timeout > 0) break;
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
      counters_.countError("dead_letter");
      restartConsumer("cannot create the dead-letter producer: " + ready.error().message);
      return Pass::kFailed;
    }
    if (auto sent = dead_letters_->send(letters, options_.dead_letter_timeout); !sent) {
      setKafkaProblem("dead-letter topic " + options_.dead_letter_topic + ": " +
                      sent.error().message);
      counters_.countError("dead_letter");
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
    request.expected[p.partition] = positions_.expected(p.partition);
  }
  auto outcome = store_.apply(request);
  if (!outcome) {
    const auto& error = outcome.error();
    const char* kind = error.kind == ErrorKind::kConflict ? "fenced" : "database";
    counters_.countError(kind);
    if (error.kind != ErrorKind::kConflict) setDatabaseProblem(error.message);
    restartConsumer(
        std::string(error.kind == ErrorKind::kConflict ? "fenced: " : "apply failed: ") +
        error.message);
    return Pass::kFailed;
  }
  setDatabaseProblem("");

  // Recorded: count, and move the fence.
  const auto counts =
      counters_.recordBatch(collapsed, *outcome, letters.size(),
                            std::chrono::duration<double>(Clock::now() - started).count());
  positions_.advance(request.next_offsets);
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    stats_.applied += counts.applied;
    stats_.stale += counts.stale;
    stats_.superseded += counts.superseded;
    stats_.dead_lettered += counts.dead_lettered;
    stats_.version_gaps += counts.version_gaps;
    ++stats_.batches;
  }
  commit_pending_ = true;
  spdlog::debug("batch of {} events: applied={} stale={} superseded={} dead_lettered={}",
                messages.size(), counts.applied, counts.stale, counts.superseded,
                counts.dead_lettered);
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
    std::lock_guard<std::mutex> lock(consumer_mutex_);
    consumer_.reset();
  }
  positions_.clear();
  commit_pending_ = false;
}

void Replicator::commitToKafka(bool force) {
  if (!consumer_ || !commit_pending_) return;
  const auto now = Clock::now();
  if (!force && now - last_commit_ < options_.kafka_commit_interval) return;
  last_commit_ = now;
  const auto offsets = positions_.committable();
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
    state_log_.note("waiting for the replica database: " + alive.error().message);
    return;
  }
  setDatabaseProblem("");
  if (!consumer_) return;
  // Bounded, unlike the watermark request below when the brokers are gone.
  if (auto answered = consumer_->checkBrokers(kBrokerCheckTimeoutMs); !answered) {
    setKafkaProblem(answered.error().message);
    state_log_.note("waiting for the brokers: " + answered.error().message);
    return;
  }
  // With nothing assigned, partition 0 still tells whether the brokers answer.
  const std::set<std::int32_t> partitions =
      positions_.empty() ? std::set<std::int32_t>{0} : positions_.partitions();
  for (const auto partition : partitions) {
    auto marks = consumer_->watermarks(options_.topic, partition, 1000);
    if (!marks) {
      setKafkaProblem(marks.error().message);
      state_log_.note("waiting for the brokers: " + marks.error().message);
      return;
    }
    const std::int64_t high = marks->second;
    if (positions_.assigned(partition)) positions_.setHighWatermark(partition, high);
  }
  setKafkaProblem("");
}

void Replicator::run() {
  std::thread lag_watch([this] { watchLag(); });
  core::runtime::Backoff backoff(core::runtime::Backoff::kDefaultFirst, options_.max_backoff);
  const auto fail = [&](const std::string& state) {
    state_log_.note(state);
    stop_.sleepFor(backoff.next());
  };
  while (!stop_.stopping()) {
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
        state_log_.note("replicating");
        backoff.reset();
        break;
      case Pass::kIdle:
        if (problem().empty()) {
          state_log_.note(positions_.empty() ? "waiting for a partition assignment"
                                             : "replicating");
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
  lag_watch.join();
  state_log_.note("stopped");
}

void Replicator::watchLag() {
  while (!stop_.stopping()) {
    stop_.sleepFor(options_.lag_interval);
    std::lock_guard<std::mutex> lock(consumer_mutex_);
    if (!consumer_) continue;
    for (const auto partition : positions_.trackedPartitions()) {
      if (auto high = consumer_->fetchedHighWatermark(options_.topic, partition)) {
        positions_.setHighWatermark(partition, *high);
      }
    }
  }
}

}  // namespace replication
