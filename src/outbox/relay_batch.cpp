// One batch of the publishing loop: read, plan (batch_plan.hpp), produce,
// wait for the delivery reports, mark the persisted prefix, record failures.
// The loop around it, leadership and readiness are in relay.cpp.

#include "outbox/relay.hpp"

#include <spdlog/spdlog.h>

#include "core/domain/timestamp.hpp"

namespace outbox {

using core::ErrorKind;
using core::db::OutboxRow;
using Clock = std::chrono::steady_clock;

PassResult Relay::publishBatch() {
  const auto started = Clock::now();
  bool read_ahead = false;
  auto rows = readBatch(read_ahead);
  if (!rows) {
    metrics_.database_errors.increment();
    readiness_.set("database", rows.error().message);
    loseLeadership(rows.error().message);
    return PassResult::kFailed;
  }
  if (rows->empty()) {
    // --source wal: transactions without outbox rows (if the server sends
    // any) are done with at once.
    if (wal_ && !confirmWal(0, false)) return PassResult::kFailed;
    readiness_.set("database", "");  // it answered, and nothing waits
    return PassResult::kIdle;
  }
  const auto read_done = Clock::now();

  auto steps = planSends(*rows, options_.max_message_bytes);
  if (wal_) steps = sendablePrefix(std::move(steps));
  const auto sent = send(steps);
  if (!wal_ && mayReadAhead(rows->size(), sent.rows.size(), options_.batch_size) &&
      !stop_.stopping()) {
    std::vector<std::int64_t> in_flight;
    in_flight.reserve(rows->size());
    for (const auto& row : *rows) in_flight.push_back(row.id);
    read_ahead_.start(std::move(in_flight), options_.batch_size);
    metrics_.polls.increment();
  }
  const auto produce_done = Clock::now();

  const auto reports = awaitReports(sent.rows);
  const auto plan = planMarks(sent.rows, reports.by_id);
  if (plan.stopped_at) noteUndelivered(*plan.stopped_at);
  if (reports.fatal) producer_.reset();
  const auto acks_done = Clock::now();
  if (auto marked = session_.markPublished(plan.marks); !marked) {
    metrics_.database_errors.increment();
    readiness_.set("database", marked.error().message);
    // Also discards the read-ahead, which assumed this batch would be marked.
    loseLeadership("marking published rows failed: " + marked.error().message);
    return PassResult::kFailed;
  }
  for (const auto& [topic, count] : plan.marked_per_topic) metrics_.published(topic, count);
  const bool failed =
      sent.failed || reports.fatal || plan.stopped_at || (wal_ && steps.size() < rows->size());
  if (wal_ && !confirmWal(plan.marks.size(), failed)) return PassResult::kFailed;

  const auto marked_done = Clock::now();
  metrics_.batch_seconds.observe(std::chrono::duration<double>(marked_done - started).count());
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
  readiness_.set("database", "");
  readiness_.set("kafka", "");
  return rows->size() >= options_.batch_size ? PassResult::kMore : PassResult::kDrained;
}

core::Result<std::vector<OutboxRow>> Relay::readBatch(bool& read_ahead) {
  if (wal_) {
    metrics_.polls.increment();
    auto batch = wal_->read(options_.batch_size, options_.idle_interval);
    if (!batch) return batch.error();
    wal_batch_ = std::move(*batch);
    return std::move(wal_batch_.rows);  // its ends stay, for confirmWal
  }
  if (auto ahead = read_ahead_.take(); ahead && !ahead->empty()) {
    read_ahead = true;
    metrics_.read_ahead_batches.increment();
    return std::move(*ahead);
  }
  metrics_.polls.increment();
  return session_.pending(options_.batch_size);
}

std::vector<RowStep> Relay::sendablePrefix(std::vector<RowStep> steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].action == RowAction::kSend) continue;
    if (steps[i].action == RowAction::kPark) {
      const auto& row = *steps[i].row;
      const auto why = "outbox row id=" + std::to_string(row.id) + " key=" + row.key + ": " +
                       steps[i].why +
                       "; --source wal does not park rows yet (src/outbox/README.md, WAL source)";
      spdlog::error("{}", why);
      readiness_.set("kafka", why);
    }
    // Whole transactions only: the retry starts at this row's transaction.
    steps.resize(rowsBeforeTransactionOf(wal_batch_, i));
    break;
  }
  return steps;
}

bool Relay::confirmWal(std::size_t delivered, bool batch_failed) {
  if (const auto lsn = confirmableLsn(wal_batch_, delivered)) {
    if (auto confirmed = wal_->confirm(*lsn); !confirmed) {
      spdlog::warn("could not confirm slot {} up to {}: {}", options_.slot, formatLsn(*lsn),
                   confirmed.error().message);
      wal_->close();
      return false;
    }
  }
  // The stream has moved past the rows that were not delivered: only a new
  // stream, from the confirmed position, sends them again.
  if (batch_failed) wal_->close();
  return true;
}

Relay::Sent Relay::send(const std::vector<RowStep>& steps) {
  Sent sent;
  for (const auto& step : steps) {
    switch (step.action) {
      case RowAction::kHold: break;
      case RowAction::kPark:
        if (!park(*step.row, step.why)) sent.failed = true;
        break;
      case RowAction::kSend:
        if (!produce(*step.row)) {
          sent.failed = true;
          return sent;  // the rows after it are sent again with the next batch
        }
        sent.rows.push_back(step.row);
        break;
    }
  }
  return sent;
}

bool Relay::produce(const OutboxRow& row) {
  const core::kafka::OutgoingMessage message{row.topic,   row.key, row.payload,
                                             row.headers, row.id,  -1};
  core::Status queued = producer_->produce(message);
  while (!queued.ok() && queued.error().kind == ErrorKind::kUnavailable && !stop_.stopping()) {
    producer_->poll(20);  // local queue full: let deliveries drain it
    queued = producer_->produce(message);
  }
  if (!queued.ok()) {
    spdlog::error("produce of outbox row id={} failed: {}", row.id, queued.error().message);
    return false;
  }
  return true;
}

// False when the database could not record it. The row then stays pending
// (this batch holds its key's later rows all the same) and is parked on a
// later pass; the batch counts as failed, so the relay backs off meanwhile.
bool Relay::park(const OutboxRow& row, const std::string& why) {
  const auto parked = session_.recordFailure(row.id, why, true, options_.max_attempts);
  if (!parked) {
    metrics_.database_errors.increment();
    readiness_.set("database", parked.error().message);
    spdlog::error("could not park outbox row id={} key={} ({}): {}", row.id, row.key, why,
                  parked.error().message);
    return false;
  }
  if (*parked) {
    spdlog::error("parked outbox row id={} key={}: {}", row.id, row.key, why);
    metrics_.parked.increment();
  } else {
    // The update found no pending row: another relay published it meanwhile.
    spdlog::warn("outbox row id={} key={} not parked: it is no longer pending", row.id, row.key);
  }
  return true;
}

Relay::Reports Relay::awaitReports(const std::vector<const OutboxRow*>& sent) {
  Reports reports;
  std::map<std::int64_t, std::int64_t> created_at;
  for (const auto* row : sent) created_at[row->id] = row->created_at_micros;
  // Every report, or the deadline, or a fatal error. librdkafka reports each
  // message by its own timeout (delivery_timeout), so the margin is generous.
  const auto deadline = Clock::now() + options_.delivery_timeout + std::chrono::seconds(5);
  auto stop_deadline = Clock::time_point::max();
  while (reports.by_id.size() < sent.size()) {
    producer_->poll(10);
    const auto now_micros = core::domain::Timestamp::now().micros_since_epoch;
    for (auto& report : producer_->takeDeliveryReports()) {
      const auto row = created_at.find(report.correlation_id);
      if (report.persisted && row != created_at.end()) {
        metrics_.commit_to_ack_seconds.observe(static_cast<double>(now_micros - row->second) / 1e6);
      }
      reports.by_id[report.correlation_id] = std::move(report);
    }
    if (auto error = producer_->fatalError()) {
      spdlog::error("{}; recreating the producer", error->message);
      reports.fatal = true;
      break;
    }
    // Acks can take minutes when the brokers are gone: /readyz and the
    // backlog gauges must not wait for them.
    probeBrokers();
    refreshBacklog();
    keepStreamAlive();
    const auto now = Clock::now();
    if (stop_.stopping() && stop_deadline == Clock::time_point::max()) {
      stop_deadline = now + std::chrono::seconds(5);
    }
    if (now > deadline || now > stop_deadline) break;
  }
  return reports;
}

void Relay::noteUndelivered(const Undelivered& row) {
  // No report: the deadline passed, the producer failed or the relay is
  // stopping; the row is simply read and sent again.
  if (!row.refusal) return;
  const auto& why = row.refusal->message;
  metrics_.delivery_errors.increment();
  readiness_.set("kafka", why);
  // --source wal counts no attempts: it would park nothing (README "WAL source").
  if (row.refusedForGood() && !wal_) {
    const auto parked = session_.recordFailure(row.id, why, false, options_.max_attempts);
    if (!parked) {
      // Not counted: the row is retried as if refused for the first time.
      metrics_.database_errors.increment();
      spdlog::error("could not record the refusal of outbox row id={}: {}", row.id,
                    parked.error().message);
    } else if (*parked) {
      spdlog::error("parked outbox row id={}: {}", row.id, why);
    }
  }
  spdlog::warn("outbox row id={} not published: {}", row.id, why);
}

}  // namespace outbox
