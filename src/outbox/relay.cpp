#include "outbox/relay.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/runtime/backoff.hpp"

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

// A leader flips between these on every poll under light load: the info log
// keeps the states that last (leader, standby, waiting, failing).
constexpr const char* kPublishing = "publishing";
constexpr const char* kIdle = "idle";

}  // namespace

Relay::Relay(RelayOptions options, core::metrics::Registry& metrics)
    : options_(std::move(options)),
      metrics_(metrics, leader_),
      session_(options_.database_url),
      read_ahead_(options_.database_url),
      wakeups_(options_.listens),
      mark_ahead_(options_.database_url),
      backlog_probe_(options_.database_url),
      state_log_({kPublishing, kIdle}) {
  if (options_.source == RelayOptions::Source::kWal) {
    WalSourceOptions wal;
    wal.database_url = options_.database_url;
    wal.slot = options_.slot;
    wal.publication = options_.publication;
    wal_ = std::make_unique<WalSource>(std::move(wal));
  }
}

Relay::~Relay() = default;

void Relay::stop() {
  stop_.stop();
}

void Relay::wake() {
  stop_.wake();
}

void Relay::probeBrokers() {
  const auto now = Clock::now();
  if (!producer_ || now - last_probe_ < kBrokerProbeInterval) return;
  last_probe_ = now;
  const auto answered = producer_->checkBrokers(kBrokerProbeTimeoutMs);
  readiness_.set("kafka", answered ? "" : answered.error().message);
}

void Relay::tendStream() {
  if (!wal_) return;
  if (auto alive = wal_->readAhead(options_.batch_size); !alive) {
    spdlog::warn("replication stream: {}", alive.error().message);
    wal_->close();  // reopened, from the confirmed position, before the next batch
  }
}

void Relay::loseLeadership(const std::string& why) {
  if (leader_) spdlog::warn("leadership lost: {}", why);
  leader_ = false;
  session_.disconnect();  // the server releases the lock with the session
  read_ahead_.discard();
  if (wal_) {
    // Marks are facts (the broker has the rows) even without the lock; the
    // next leader resumes from the confirmed position.
    (void)mark_ahead_.wait();
    wal_->close();
  }
}

bool Relay::switchWakeups(bool found_rows) {
  const auto wanted = wakeups_.afterPoll(found_rows);
  if (!wanted) return false;
  if (auto stored = session_.requestWakeups(*wanted); !stored) {
    // The next poll meets the same session trouble and handles it.
    wakeups_.forget();
    return false;
  }
  return *wanted;
}

core::Status Relay::ensureLeadership() {
  if (!leader_ || !session_.connected()) {
    if (auto locked = takeLock(); !locked) return locked;
  }
  // The advisory lock fences relays of both sources; the slot admits one
  // stream on top of that (a dead leader's walsender may linger a moment).
  if (wal_ && !wal_->isOpen()) {
    if (auto opened = openStream(); !opened) {
      loseLeadership("cannot stream slot " + options_.slot + ": " + opened.error().message);
      return opened;
    }
    spdlog::info("streaming replication slot {} (publication {})", options_.slot,
                 options_.publication);
  }
  return {};
}

core::Status Relay::takeLock() {
  leader_ = false;
  // Rows read under an earlier leadership: another relay may have published them since.
  read_ahead_.discard();
  wakeups_.forget();
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
      // A batch is produced whole and then awaited: lingering only delays the
      // last messages (2 ms per batch; bench/RESULTS.md, "no linger").
      {"linger.ms", "0"},
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
  if (auto reading = backlog_probe_.take()) {
    // A failed reading leaves the gauges as they were: the batch's own
    // queries report the database's state.
    if (reading->backlog) {
      metrics_.backlog_rows = reading->backlog->pending;
      metrics_.oldest_age_seconds = reading->backlog->oldest_age_seconds;
      metrics_.parked_rows = reading->backlog->parked;
    }
    if (wal_ && reading->slot) noteSlotRetention(*reading->slot);
  }
  const auto now = Clock::now();
  if (now - last_backlog_ < std::chrono::seconds(5)) return;
  last_backlog_ = now;
  backlog_probe_.start(wal_ ? options_.slot : std::string());
}

void Relay::noteSlotRetention(const std::optional<SlotRetention>& retention) {
  if (!retention) {
    readiness_.set("slot", "replication slot " + options_.slot + " does not exist");
    return;
  }
  const auto& slot = *retention;
  metrics_.slot_retained_bytes = slot.bytes;
  constexpr std::int64_t kMiB = std::int64_t{1024} * 1024;
  if (slot.wal_status == "lost") {
    readiness_.set("slot", "replication slot " + options_.slot +
                               " lost WAL it needed (max_slot_wal_keep_size): drop it and restart "
                               "the relays, the new slot's drain publishes what is due "
                               "(docs/RUNBOOK.md)");
  } else if (options_.max_slot_retained_bytes > 0 &&
             slot.bytes > options_.max_slot_retained_bytes) {
    readiness_.set("slot", "replication slot " + options_.slot + " retains " +
                               std::to_string(slot.bytes / kMiB) + " MiB of WAL (limit " +
                               std::to_string(options_.max_slot_retained_bytes / kMiB) + " MiB)");
  } else {
    readiness_.set("slot", "");
  }
}

void Relay::run() {
  auto interval = options_.poll_interval;
  core::runtime::Backoff backoff(core::runtime::Backoff::kDefaultFirst, kMaxBackoff);
  while (!stop_.stopping()) {
    if (auto lead = ensureLeadership(); !lead) {
      if (lead.error().kind == ErrorKind::kConflict) {
        // A healthy standby is ready: it answers and waits for the lock.
        state_log_.note("standby: " + lead.error().message);
        readiness_.set("database", "");
        readiness_.set("kafka", "");
        readiness_.set("slot", "");  // the leader's to watch
        stop_.sleepFor(options_.standby_interval);
      } else {
        state_log_.note("waiting for the database: " + lead.error().message);
        readiness_.set("database", lead.error().message);
        stop_.sleepFor(backoff.next());
      }
      continue;
    }
    // Before the producer: while Kafka is down the backlog is what grows.
    refreshBacklog();
    if (auto ready = ensureProducer(); !ready) {
      state_log_.note("cannot create the producer: " + ready.error().message);
      stop_.sleepFor(backoff.next());
      continue;
    }
    const auto pass = publishBatch();
    if (pass != PassResult::kFailed && switchWakeups(pass != PassResult::kIdle)) {
      // A row that committed while wake-ups were off sent no NOTIFY: poll
      // once more before a long sleep.
      continue;
    }
    switch (pass) {
      case PassResult::kMore:
        state_log_.note(kPublishing);
        interval = options_.poll_interval;
        backoff.reset();
        break;  // straight on to the next batch
      case PassResult::kDrained:
        state_log_.note(kPublishing);
        interval = options_.poll_interval;
        backoff.reset();
        if (!wal_) stop_.sleepUnlessWoken(interval);  // a stream read waits by itself
        break;
      case PassResult::kIdle:
        state_log_.note(kIdle);
        if (!wal_) stop_.sleepUnlessWoken(interval);
        interval = std::min(interval * 2, options_.idle_interval);
        break;
      case PassResult::kFailed:
        state_log_.note("retrying after a failure: " + problem());
        stop_.sleepFor(backoff.next());
        break;
    }
    probeBrokers();
    tendStream();
  }
  // Give the lock back now rather than when the process exits: a standby
  // takes over at once.
  loseLeadership("stopping");
  state_log_.note("stopped");
}

core::Status Relay::runOnce(std::chrono::milliseconds lock_wait) {
  const auto deadline = Clock::now() + lock_wait;
  while (true) {
    auto lead = ensureLeadership();
    if (lead) break;
    if (Clock::now() >= deadline || stop_.stopping()) return lead;
    stop_.sleepFor(std::chrono::milliseconds(200));
  }
  if (auto ready = ensureProducer(); !ready) return ready;
  core::Status outcome = Error{ErrorKind::kUnavailable, "stopped before the outbox was drained"};
  while (!stop_.stopping()) {
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
