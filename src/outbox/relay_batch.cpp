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
  return wal_ ? publishStreamBatch() : publishPolledBatch();
}

PassResult Relay::databaseFailed(const std::string& what, const std::string& why) {
  metrics_.database_errors.increment();
  readiness_.set("database", why);
  // Also discards the read-ahead, which assumed this batch would be marked,
  // and closes the stream, which resumes from the confirmed position.
  loseLeadership(what + ": " + why);
  return PassResult::kFailed;
}

PassResult Relay::publishPolledBatch() {
  const auto started = Clock::now();
  bool read_ahead = false;
  auto rows = readBatch(read_ahead);
  if (!rows) return databaseFailed("reading pending rows failed", rows.error().message);
  if (rows->empty()) {
    readiness_.set("database", "");  // it answered, and nothing waits
    return PassResult::kIdle;
  }
  const auto read_done = Clock::now();

  const auto steps = planSends(*rows, options_.max_message_bytes);
  const auto sent = send(steps);
  if (mayReadAhead(rows->size(), sent.rows.size(), options_.batch_size) && !stop_.stopping()) {
    std::vector<std::int64_t> in_flight;
    in_flight.reserve(rows->size());
    for (const auto& row : *rows) in_flight.push_back(row.id);
    read_ahead_.start(std::move(in_flight), options_.batch_size);
    metrics_.polls.increment();
  }
  const auto produce_done = Clock::now();
  const auto finished = finish(sent);
  if (!finished.marked) return PassResult::kFailed;

  logBatch(read_ahead ? "read ahead" : "read", rows->size(), {started, read_done, produce_done},
           finished);
  if (finished.failed(sent)) {
    read_ahead_.discard();  // it assumed this whole batch would be marked
    return PassResult::kFailed;
  }
  readiness_.set("database", "");
  readiness_.set("kafka", "");
  return rows->size() >= options_.batch_size ? PassResult::kMore : PassResult::kDrained;
}

void Relay::logBatch(const char* source, std::size_t rows,
                     const std::array<Clock::time_point, 3>& started_read_produced,
                     const Finished& finished) {
  const auto& [started, read, produced] = started_read_produced;
  const auto marked = Clock::now();
  metrics_.batch_seconds.observe(std::chrono::duration<double>(marked - started).count());
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  spdlog::debug("batch of {} rows: {} {:.1f} ms, produce {:.1f} ms, acks {:.1f} ms, mark {:.1f} ms",
                rows, source, ms(read - started), ms(produced - read),
                ms(finished.acked - produced), ms(marked - finished.acked));
}

Relay::Finished Relay::finish(const Sent& sent, bool mark_now) {
  Finished finished;
  const auto reports = awaitReports(sent.rows);
  finished.acked = Clock::now();
  finished.plan = planMarks(sent.rows, reports.by_id);
  finished.fatal = reports.fatal;
  if (finished.plan.stopped_at && noteUndelivered(*finished.plan.stopped_at)) {
    for (const auto* row : sent.rows) {
      if (row->id == finished.plan.stopped_at->id) finished.refused_for_good = row;
    }
  }
  if (reports.fatal) producer_.reset();
  if (!mark_now) {
    finished.marked = true;
    return finished;
  }
  if (auto marked = session_.markPublished(finished.plan.marks); !marked) {
    databaseFailed("marking published rows failed", marked.error().message);
    return finished;
  }
  finished.marked = true;
  for (const auto& [topic, count] : finished.plan.marked_per_topic) {
    metrics_.published(topic, count);
  }
  return finished;
}

core::Result<std::vector<OutboxRow>> Relay::readBatch(bool& read_ahead) {
  if (auto ahead = read_ahead_.take(); ahead && !ahead->empty()) {
    read_ahead = true;
    metrics_.read_ahead_batches.increment();
    return std::move(*ahead);
  }
  metrics_.polls.increment();
  return session_.pending(options_.batch_size);
}

Relay::Sent Relay::send(const std::vector<RowStep>& steps) {
  Sent sent;
  for (const auto& step : steps) {
    switch (step.action) {
      case RowAction::kHold:
      case RowAction::kSkip: break;
      case RowAction::kPark:
        if (!park(*step.row, step.why)) {
          sent.failed = true;
          sent.unrecorded_parks.insert(step.row->id);
        }
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
  // With a stream open, its socket is read at least every millisecond meanwhile.
  const int poll_ms = wal_ && wal_->isOpen() ? 1 : 10;
  while (reports.by_id.size() < sent.size()) {
    producer_->poll(poll_ms);
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
    tendStream();
    const auto now = Clock::now();
    if (stop_.stopping() && stop_deadline == Clock::time_point::max()) {
      stop_deadline = now + std::chrono::seconds(5);
    }
    if (now > deadline || now > stop_deadline) break;
  }
  return reports;
}

bool Relay::noteUndelivered(const Undelivered& row) {
  // No report: the deadline passed, the producer failed or the relay is
  // stopping; the row is simply read and sent again.
  if (!row.refusal) return false;
  const auto& why = row.refusal->message;
  metrics_.delivery_errors.increment();
  readiness_.set("kafka", why);
  bool counted = false;
  if (row.refusedForGood()) {
    const auto parked = session_.recordFailure(row.id, why, false, options_.max_attempts);
    counted = parked.ok();
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
  return counted;
}

}  // namespace outbox
