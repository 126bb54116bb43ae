#include "outbox/relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/domain/timestamp.hpp"

namespace outbox {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

// Longest wait between attempts after a failure: short enough that the relay
// is back (and /readyz says so) within seconds of a dependency's return.
constexpr std::chrono::milliseconds kMaxBackoff{2000};

// How often, and how patiently, a leader checks that the brokers answer.
constexpr auto kBrokerProbeInterval = std::chrono::seconds(2);
constexpr int kBrokerProbeTimeoutMs = 1000;

// The two routine states of a leader (see noteState).
constexpr const char* kPublishing = "publishing";
constexpr const char* kIdle = "idle";

}  // namespace

Relay::Relay(RelayOptions options, core::metrics::Registry& metrics)
    : options_(std::move(options)),
      metrics_(metrics),
      session_(options_.database_url),
      read_ahead_(options_.database_url),
      batch_seconds_(metrics.histogram("outbox_batch_duration_seconds",
                                       "Time to read, publish and mark one batch")),
      commit_to_ack_seconds_(metrics.histogram(
          "outbox_commit_to_ack_seconds", "From outbox created_at to the broker's delivery report",
          {}, core::metrics::fineLatencyBuckets())),
      polls_(metrics.counter("outbox_polls_total", "Queries for pending rows")),
      read_ahead_batches_(metrics.counter("outbox_read_ahead_batches_total",
                                          "Batches read while the previous one was in flight")) {
  metrics.gauge("outbox_leader", "1 while this relay holds the leader lock",
                [this]() { return leader_ ? 1.0 : 0.0; });
  metrics.gauge("outbox_backlog_rows", "Unpublished, unparked outbox rows",
                [this]() { return static_cast<double>(backlog_rows_.load()); });
  metrics.gauge("outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished row",
                [this]() { return oldest_age_.load(); });
  metrics.gauge("outbox_parked_rows", "Rows parked after the broker refused them",
                [this]() { return static_cast<double>(parked_rows_.load()); });
}

Relay::~Relay() = default;

void Relay::stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(sleep_mutex_);
  wake_.notify_all();
}

void Relay::wake() {
  std::lock_guard<std::mutex> lock(sleep_mutex_);
  woken_ = true;
  wake_.notify_all();
}

void Relay::sleepFor(std::chrono::milliseconds duration, bool wakeable) {
  std::unique_lock<std::mutex> lock(sleep_mutex_);
  wake_.wait_for(lock, duration,
                 [this, wakeable]() { return stopping_.load() || (wakeable && woken_.load()); });
  if (wakeable) woken_ = false;
}

void Relay::noteState(const std::string& state) {
  if (state == state_) return;
  state_ = state;
  // A leader flips between these on every poll under light load: the info
  // log keeps the states that last (leader, standby, waiting, failing).
  if (state == kPublishing || state == kIdle) {
    spdlog::debug("state: {}", state);
  } else {
    spdlog::info("state: {}", state);
  }
}

void Relay::setProblem(const std::string& problem) {
  std::lock_guard<std::mutex> lock(problem_mutex_);
  problem_ = problem;
}

std::string Relay::problem() const {
  std::lock_guard<std::mutex> lock(problem_mutex_);
  return problem_.empty() ? broker_problem_ : problem_;
}

void Relay::probeBrokers() {
  const auto now = Clock::now();
  if (!producer_ || now - last_probe_ < kBrokerProbeInterval) return;
  last_probe_ = now;
  const auto answered = producer_->checkBrokers(kBrokerProbeTimeoutMs);
  std::lock_guard<std::mutex> lock(problem_mutex_);
  broker_problem_ = answered ? "" : "kafka: " + answered.error().message;
}

void Relay::loseLeadership(const std::string& why) {
  if (leader_) spdlog::warn("leadership lost: {}", why);
  leader_ = false;
  session_.disconnect();  // the server releases the lock with the session
  read_ahead_.discard();
}

core::Status Relay::ensureLeadership() {
  if (leader_ && session_.connected()) return {};
  leader_ = false;
  // Rows read under an earlier leadership: another relay may have published them since.
  read_ahead_.discard();
  if (auto connected = session_.connect(); !connected) return connected;
  auto locked = session_.tryLock(options_.lock_key);
  if (!locked) return locked.error();
  if (!*locked) {
    return Error{ErrorKind::kConflict,
                 "another relay holds the leader lock " + std::to_string(options_.lock_key)};
  }
  leader_ = true;
  spdlog::info("became leader (lock {})", options_.lock_key);
  return {};
}

core::Status Relay::ensureProducer() {
  if (producer_) return {};
  core::kafka::ProducerOptions producer_options;
  producer_options.brokers = options_.brokers;
  producer_options.client_id = "outbox-relay";
  producer_options.extra = {
      {"message.timeout.ms", std::to_string(options_.delivery_timeout.count())},
      {"linger.ms", "2"},
      {"message.max.bytes", std::to_string(options_.max_message_bytes + 4096)}};
  producer_options.extra.insert(producer_options.extra.end(), options_.kafka_properties.begin(),
                                options_.kafka_properties.end());
  auto producer = core::kafka::Producer::create(producer_options);
  if (!producer) return producer.error();
  // Without this the first batch after a start waits ~1 s for the connection.
  if (auto warm = (*producer)->warmUp(5000); !warm) return warm.error();
  producer_ = std::move(producer).value();
  return {};
}

void Relay::refreshBacklog() {
  const auto now = Clock::now();
  if (now - last_backlog_ < std::chrono::seconds(5)) return;
  last_backlog_ = now;
  if (auto backlog = session_.backlog()) {
    backlog_rows_ = backlog->pending;
    oldest_age_ = backlog->oldest_age_seconds;
    parked_rows_ = backlog->parked;
  }
}

PassResult Relay::publishBatch() {
  const auto started = Clock::now();
  core::Result<std::vector<OutboxRow>> rows = std::vector<OutboxRow>{};
  bool read_ahead = false;
  if (auto ahead = read_ahead_.take(); ahead && !ahead->empty()) {
    rows = std::move(*ahead);
    read_ahead = true;
    read_ahead_batches_.increment();
  } else {
    rows = session_.pending(options_.batch_size);
    polls_.increment();
  }
  if (!rows) {
    metrics_.counter("outbox_errors_total", "Relay errors by kind", {{"kind", "database"}})
        .increment();
    setProblem("database: " + rows.error().message);
    loseLeadership(rows.error().message);
    return PassResult::kFailed;
  }
  if (rows->empty()) {
    setProblem("");  // the database answered, and nothing waits
    return PassResult::kIdle;
  }
  const auto read_done = Clock::now();

  // Produce in id order. A row too large for the broker is parked before it is
  // sent; later rows of its customer in this batch are held back with it.
  std::set<std::string> held_keys;
  std::vector<const OutboxRow*> sent;
  bool produce_failed = false;
  for (const auto& row : *rows) {
    if (held_keys.count(row.key) > 0) continue;
    if (row.payload.size() + row.key.size() > options_.max_message_bytes) {
      const std::string why = "message of " + std::to_string(row.payload.size()) +
                              " bytes exceeds the " + std::to_string(options_.max_message_bytes) +
                              "-byte limit";
      (void)session_.recordFailure(row.id, why, true, options_.max_attempts);
      spdlog::error("parked outbox row id={} key={}: {}", row.id, row.key, why);
      metrics_.counter("outbox_errors_total", "Relay errors by kind", {{"kind", "parked"}})
          .increment();
      held_keys.insert(row.key);
      continue;
    }
    const core::kafka::OutgoingMessage message{row.topic,   row.key, row.payload,
                                               row.headers, row.id,  -1};
    core::Status queued = producer_->produce(message);
    while (!queued.ok() && queued.error().kind == ErrorKind::kUnavailable && !stopping_) {
      producer_->poll(20);  // local queue full: let deliveries drain it
      queued = producer_->produce(message);
    }
    if (!queued.ok()) {
      spdlog::error("produce of outbox row id={} failed: {}", row.id, queued.error().message);
      produce_failed = true;
      break;
    }
    sent.push_back(&row);
  }

  // A full batch, all of it sent: the next one is probably waiting. Read it
  // while this one is acknowledged and marked; it is used only if this batch
  // ends up published whole.
  if (rows->size() >= options_.batch_size && sent.size() == rows->size() && !stopping_) {
    std::vector<std::int64_t> in_flight;
    in_flight.reserve(rows->size());
    for (const auto& row : *rows) in_flight.push_back(row.id);
    read_ahead_.start(std::move(in_flight), options_.batch_size);
    polls_.increment();
  }
  const auto produce_done = Clock::now();
  // Wait for every delivery report (or the deadline, or a fatal error).
  std::map<std::int64_t, core::kafka::DeliveryReport> reports;
  const auto deadline = Clock::now() + options_.delivery_timeout + std::chrono::seconds(5);
  auto stop_deadline = Clock::time_point::max();
  std::map<std::int64_t, std::int64_t> created_at;
  for (const auto* row : sent) created_at[row->id] = row->created_at_micros;
  bool fatal = false;
  while (reports.size() < sent.size()) {
    producer_->poll(10);
    const auto now_micros = core::domain::Timestamp::now().micros_since_epoch;
    for (auto& report : producer_->takeDeliveryReports()) {
      if (report.persisted) {
        commit_to_ack_seconds_.observe(
            static_cast<double>(now_micros - created_at[report.correlation_id]) / 1e6);
      }
      reports[report.correlation_id] = std::move(report);
    }
    if (auto error = producer_->fatalError()) {
      spdlog::error("{}; recreating the producer", error->message);
      fatal = true;
      break;
    }
    probeBrokers();  // acks can take minutes when the brokers are gone
    const auto now = Clock::now();
    if (stopping_ && stop_deadline == Clock::time_point::max())
      stop_deadline = now + std::chrono::seconds(5);
    if (now > deadline || now > stop_deadline) break;
  }

  // Mark the persisted prefix, in id order, up to the first row that was not.
  std::vector<PublishedMark> marks;
  bool failed = produce_failed || fatal;
  std::map<std::string, std::uint64_t> per_topic;
  for (const auto* row : sent) {
    auto it = reports.find(row->id);
    if (it == reports.end()) {
      failed = true;
      break;
    }
    const auto& report = it->second;
    if (!report.persisted) {
      failed = true;
      const auto& error =
          report.error ? *report.error : Error{ErrorKind::kUnavailable, "not persisted"};
      metrics_.counter("outbox_errors_total", "Relay errors by kind", {{"kind", "delivery"}})
          .increment();
      setProblem("kafka: " + error.message);
      if (error.kind == ErrorKind::kPermanent) {
        auto parked = session_.recordFailure(row->id, error.message, false, options_.max_attempts);
        if (parked.ok() && *parked)
          spdlog::error("parked outbox row id={}: {}", row->id, error.message);
      }
      spdlog::warn("outbox row id={} not published: {}", row->id, error.message);
      break;
    }
    marks.push_back({row->id, report.partition, report.offset});
    ++per_topic[row->topic];
  }
  if (fatal) producer_.reset();
  const auto acks_done = Clock::now();
  if (auto marked = session_.markPublished(marks); !marked) {
    metrics_.counter("outbox_errors_total", "Relay errors by kind", {{"kind", "database"}})
        .increment();
    setProblem("database: " + marked.error().message);
    // Also discards the read-ahead, which assumed this batch would be marked.
    loseLeadership("marking published rows failed: " + marked.error().message);
    return PassResult::kFailed;
  }
  for (const auto& [topic, count] : per_topic) {
    metrics_
        .counter("outbox_published_total", "Rows published and marked, by topic",
                 {{"topic", topic}})
        .increment(count);
  }
  const auto marked_done = Clock::now();
  batch_seconds_.observe(std::chrono::duration<double>(marked_done - started).count());
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  spdlog::debug(
      "batch of {} rows: read{} {:.1f} ms, produce {:.1f} ms, acks {:.1f} ms, mark {:.1f} ms",
      rows->size(), read_ahead ? " ahead" : "", ms(read_done - started),
      ms(produce_done - read_done), ms(acks_done - produce_done), ms(marked_done - acks_done));
  if (failed) {
    read_ahead_.discard();  // it assumed this whole batch would be marked
    return PassResult::kFailed;
  }
  setProblem("");
  return rows->size() >= options_.batch_size ? PassResult::kMore : PassResult::kDrained;
}

void Relay::run() {
  auto interval = options_.poll_interval;
  auto backoff = std::chrono::milliseconds(200);
  while (!stopping_) {
    if (auto lead = ensureLeadership(); !lead) {
      if (lead.error().kind == ErrorKind::kConflict) {
        noteState("standby: " + lead.error().message);
        setProblem("");
        sleepFor(options_.standby_interval);
      } else {
        noteState("waiting for the database: " + lead.error().message);
        setProblem("database: " + lead.error().message);
        sleepFor(backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
      continue;
    }
    if (auto ready = ensureProducer(); !ready) {
      noteState("cannot create the producer: " + ready.error().message);
      sleepFor(backoff);
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    switch (publishBatch()) {
      case PassResult::kMore:
        noteState(kPublishing);
        interval = options_.poll_interval;
        backoff = std::chrono::milliseconds(200);
        break;  // straight on to the next batch
      case PassResult::kDrained:
        noteState(kPublishing);
        interval = options_.poll_interval;
        backoff = std::chrono::milliseconds(200);
        sleepFor(interval, true);
        break;
      case PassResult::kIdle:
        noteState(kIdle);
        sleepFor(interval, true);
        interval = std::min(interval * 2, options_.idle_interval);
        break;
      case PassResult::kFailed:
        noteState("retrying after a failure: " + problem());
        sleepFor(backoff);
        backoff = std::min(backoff * 2, kMaxBackoff);
        break;
    }
    refreshBacklog();
    probeBrokers();
  }
  // Give the lock back now rather than when the process exits: a standby
  // takes over at once.
  loseLeadership("stopping");
  noteState("stopped");
}

core::Status Relay::runOnce(std::chrono::milliseconds lock_wait) {
  const auto deadline = Clock::now() + lock_wait;
  while (true) {
    auto lead = ensureLeadership();
    if (lead) break;
    if (Clock::now() >= deadline || stopping_) return lead;
    sleepFor(std::chrono::milliseconds(200));
  }
  if (auto ready = ensureProducer(); !ready) return ready;
  core::Status outcome = Error{ErrorKind::kUnavailable, "stopped before the outbox was drained"};
  while (!stopping_) {
    const auto pass = publishBatch();
    if (pass == PassResult::kIdle) {
      outcome = {};
      break;
    }
    if (pass == PassResult::kFailed) {
      outcome = Error{ErrorKind::kUnavailable, problem().empty() ? "publishing failed" : problem()};
      break;
    }
  }
  if (leader_) {
    leader_ = false;
    session_.disconnect();  // releases the lock
  }
  read_ahead_.discard();
  return outcome;
}

}  // namespace outbox
