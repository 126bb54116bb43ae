// The relay's batches with --source wal: whole committed transactions from
// the slot, the rows it must leave in the outbox (a parked or refused
// customer's), the queries that publish those later (the drains), and the
// slot's confirmation. README "WAL source" has the reasoning.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "outbox/relay.hpp"

namespace outbox {

using core::db::OutboxRow;
using Clock = std::chrono::steady_clock;

namespace {

// A held customer's rows are looked for this often at most while nothing of
// theirs can go out (a parked row waits for an operator).
constexpr std::chrono::milliseconds kMaxHeldDrainInterval{5000};

std::string customerName(const Aggregate& aggregate) {
  return aggregate.first + " " + std::to_string(aggregate.second);
}

}  // namespace

core::Status Relay::openStream() {
  // A slot created now starts at the current position: rows committed before
  // it are not in it. Recorded first, so that a crash before the drain ends
  // still drains on the next start.
  auto slot = session_.slotRetention(options_.slot);
  if (!slot) return slot.error();
  if (!*slot) {
    if (auto requested = session_.requestSlotDrain(options_.slot); !requested) return requested;
  }
  if (auto opened = wal_->open(); !opened) return opened;
  auto due = session_.slotDrainDue(options_.slot);
  auto held = session_.heldAggregates();
  if (!due || !held) {
    wal_->close();
    return !due ? due.error() : held.error();
  }
  slot_drain_due_ = *due;
  held_ = std::set<Aggregate>(held->begin(), held->end());
  next_held_drain_ = Clock::now();
  if (slot_drain_due_) {
    spdlog::info("slot {} is new: publishing the rows written before it first", options_.slot);
  }
  if (!held_.empty()) {
    spdlog::info("{} customers wait behind parked or refused rows", held_.size());
  }
  return {};
}

PassResult Relay::publishStreamBatch() {
  if (slot_drain_due_) return drainForNewSlot();
  if (drainHeld() == PassResult::kFailed) return PassResult::kFailed;
  const auto started = Clock::now();
  metrics_.polls.increment();
  auto batch = wal_->read(options_.batch_size, options_.idle_interval);
  if (!batch) return databaseFailed("reading the replication stream failed", batch.error().message);
  wal_batch_ = std::move(*batch);
  const auto& rows = wal_batch_.rows;
  if (rows.empty()) {
    if (!confirmMarked()) return PassResult::kFailed;
    readiness_.set("database", "");
    return PassResult::kIdle;
  }
  // Rows a drain published come again from the stream: skipped. Only ids up
  // to the drains' highest need the look-up.
  std::vector<std::int64_t> maybe_published;
  for (const auto& row : rows) {
    if (row.id <= drained_up_to_) maybe_published.push_back(row.id);
  }
  auto published = session_.publishedAmong(maybe_published);
  if (!published) return databaseFailed("reading published rows failed", published.error().message);
  const std::set<std::int64_t> published_ids(published->begin(), published->end());

  const auto read_done = Clock::now();
  const auto steps = planSends(rows, options_.max_message_bytes, {&held_, &published_ids});
  const auto sent = send(steps);
  const auto produce_done = Clock::now();
  const auto finished = finish(sent, false);
  // Before the confirmation: the held rows are past the slot's position then.
  if (!holdCustomersOf(steps, sent, finished)) return PassResult::kFailed;
  const auto settled = settledRows(steps, finished.plan, sent.unrecorded_parks);
  const bool failed = settled < rows.size();
  // One batch's marks in flight: the previous batch's first, and its confirmation.
  if (!confirmMarked()) return PassResult::kFailed;
  mark_ahead_.start(
      {finished.plan.marks, confirmableLsn(wal_batch_, settled), finished.plan.marked_per_topic});
  if (failed) {
    // The stream has moved past the rows that were not settled: only a new
    // stream, from the confirmed position, sends them again.
    if (!confirmMarked()) return PassResult::kFailed;
    wal_->close();
  }
  logBatch("stream", rows.size(), {started, read_done, produce_done}, finished);
  if (failed) return PassResult::kFailed;
  readiness_.set("database", "");
  readiness_.set("kafka", "");
  return rows.size() >= options_.batch_size ? PassResult::kMore : PassResult::kDrained;
}

bool Relay::holdCustomersOf(const std::vector<RowStep>& steps, const Sent& sent,
                            const Finished& finished) {
  std::vector<Aggregate> newly_held;
  const auto note = [&](const OutboxRow& row) {
    Aggregate customer{row.aggregate_type, row.aggregate_id};
    if (held_.count(customer) == 0) newly_held.push_back(std::move(customer));
  };
  for (const auto& step : steps) {
    if (step.action == RowAction::kPark && sent.unrecorded_parks.count(step.row->id) == 0) {
      note(*step.row);
    }
  }
  if (finished.refused_for_good) note(*finished.refused_for_good);
  if (newly_held.empty()) return true;
  if (auto recorded = session_.hold(newly_held); !recorded) {
    databaseFailed("recording held customers failed", recorded.error().message);
    return false;
  }
  for (auto& customer : newly_held) {
    spdlog::warn("{}: later rows wait in the outbox until its parked or refused row is resolved",
                 customerName(customer));
    held_.insert(std::move(customer));
  }
  return true;
}

PassResult Relay::publishQueried(const std::vector<OutboxRow>& rows) {
  const auto steps = planSends(rows, options_.max_message_bytes);
  const auto sent = send(steps);
  const auto finished = finish(sent);
  if (!finished.marked) return PassResult::kFailed;
  for (const auto& mark : finished.plan.marks) {
    drained_up_to_ = std::max(drained_up_to_, mark.id);
  }
  // The database holds these rows' customers back from the queries; the
  // stream must hold them too.
  if (!holdCustomersOf(steps, sent, finished)) return PassResult::kFailed;
  if (finished.failed(sent)) return PassResult::kFailed;
  readiness_.set("database", "");
  readiness_.set("kafka", "");
  return rows.size() >= options_.batch_size ? PassResult::kMore : PassResult::kDrained;
}

PassResult Relay::drainForNewSlot() {
  metrics_.polls.increment();
  auto rows = session_.pending(options_.batch_size);
  if (!rows) return databaseFailed("reading pending rows failed", rows.error().message);
  if (!rows->empty()) return publishQueried(*rows);
  if (auto finished = session_.finishSlotDrain(options_.slot); !finished) {
    return databaseFailed("recording the end of the drain failed", finished.error().message);
  }
  slot_drain_due_ = false;
  spdlog::info("rows written before slot {} are out: streaming", options_.slot);
  return PassResult::kMore;  // straight on to the stream
}

PassResult Relay::drainHeld() {
  const auto now = Clock::now();
  if (held_.empty() || now < next_held_drain_) return PassResult::kIdle;
  // Rows the stream published must read as published: else the query sends
  // a held customer's earlier rows again.
  if (!confirmMarked()) return PassResult::kFailed;
  metrics_.polls.increment();
  auto rows = session_.pendingHeld(options_.batch_size);
  if (!rows) return databaseFailed("reading held rows failed", rows.error().message);
  auto pass = PassResult::kIdle;
  if (!rows->empty()) {
    pass = publishQueried(*rows);
    if (pass == PassResult::kFailed) return pass;
  }
  auto released = session_.releaseHeld();
  if (!released) return databaseFailed("releasing held customers failed", released.error().message);
  for (const auto& customer : *released) {
    if (held_.erase(customer) > 0) {
      spdlog::info("{}: its waiting rows are out, the stream publishes it again",
                   customerName(customer));
    }
  }
  // Right away again while rows go out; less and less often while a parked
  // row waits for an operator.
  held_drain_interval_ = pass == PassResult::kIdle
                             ? std::min(std::max(held_drain_interval_ * 2, options_.poll_interval),
                                        kMaxHeldDrainInterval)
                             : std::chrono::milliseconds(0);
  next_held_drain_ = Clock::now() + held_drain_interval_;
  return pass;
}

bool Relay::confirmMarked() {
  if (!mark_ahead_.inFlight()) return true;
  while (!mark_ahead_.written(std::chrono::milliseconds(1))) tendStream();
  auto written = mark_ahead_.wait();
  if (!written) {
    databaseFailed("marking published rows failed", written.error().message);
    return false;
  }
  for (const auto& [topic, count] : written->marked_per_topic) metrics_.published(topic, count);
  if (!written->confirmable || !wal_->isOpen()) return true;
  if (auto confirmed = wal_->confirm(*written->confirmable); !confirmed) {
    spdlog::warn("could not confirm slot {} up to {}: {}", options_.slot,
                 formatLsn(*written->confirmable), confirmed.error().message);
    wal_->close();
    return false;
  }
  return true;
}

}  // namespace outbox
