#include "outbox/replayer.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace outbox {

namespace {

using Clock = std::chrono::steady_clock;

struct Tally {
  ReplayOutcome outcome;
  std::int64_t produced = 0;
  std::set<std::int64_t> in_flight;  // produced, no report yet

  void fail(std::int64_t id, const std::string& error) {
    ++outcome.failed;
    if (!outcome.first_failed_id || id < *outcome.first_failed_id) {
      outcome.first_failed_id = id;
      outcome.first_error = error;
    }
  }
  void collect(core::kafka::Producer& producer) {
    for (auto& report : producer.takeDeliveryReports()) {
      in_flight.erase(report.correlation_id);
      if (report.persisted) {
        ++outcome.delivered;
        ++outcome.per_destination[report.topic];
      } else {
        fail(report.correlation_id, report.error ? report.error->message : "not persisted");
      }
    }
  }
};

}  // namespace

core::kafka::OutgoingMessage replayMessage(const core::db::OutboxRow& row,
                                           const std::optional<std::string>& to_topic) {
  core::kafka::OutgoingMessage message{
      to_topic ? *to_topic : row.topic, row.key, row.payload, row.headers, row.id, -1};
  message.headers.emplace_back("replay", "true");
  if (to_topic) message.headers.emplace_back("replay_original_topic", row.topic);
  return message;
}

core::Result<ReplayOutcome> replayRows(const ReplayConfig& config, const ReplayPlan& plan,
                                       ReplaySource& source, core::kafka::Producer& producer,
                                       ProgressReporter& progress,
                                       const std::atomic<bool>& stopping) {
  Tally tally;
  std::optional<core::Error> read_error;
  std::int64_t after = plan.min_id - 1;
  std::int64_t failed_to_queue = 0;
  std::int64_t last_queued = plan.min_id - 1;
  bool stop_reading = false;
  while (!stop_reading && !stopping) {
    auto page = source.page(config.range, after, plan.max_id, config.batch_size);
    if (!page) {
      read_error = page.error();
      break;
    }
    if (page->empty()) break;
    for (const auto& row : *page) {
      const auto message = replayMessage(row, config.to_topic);
      core::Status queued = producer.produce(message);
      while (!queued.ok() && queued.error().kind == core::ErrorKind::kUnavailable) {
        producer.poll(20);  // local queue full: let deliveries drain it
        tally.collect(producer);
        queued = producer.produce(message);
      }
      if (!queued.ok()) {
        tally.fail(row.id, queued.error().message);
        ++failed_to_queue;
        stop_reading = true;
        break;
      }
      ++tally.produced;
      last_queued = row.id;
      tally.in_flight.insert(row.id);
      producer.poll(0);
      tally.collect(producer);
      progress.update(static_cast<std::uint64_t>(tally.outcome.delivered),
                      static_cast<std::uint64_t>(tally.outcome.failed));
      if (tally.outcome.failed > 0 || stopping) {
        stop_reading = true;
        break;
      }
    }
    after = page->back().id;
  }

  // Every produced message gets its report (or the deadline passes).
  const auto deadline = Clock::now() + config.delivery_timeout + std::chrono::seconds(5);
  while (!tally.in_flight.empty() && Clock::now() < deadline) {
    producer.poll(50);
    tally.collect(producer);
    progress.update(static_cast<std::uint64_t>(tally.outcome.delivered),
                    static_cast<std::uint64_t>(tally.outcome.failed));
  }
  const auto unreported = tally.in_flight;
  for (const auto id : unreported) tally.fail(id, "no delivery report within the delivery timeout");
  tally.outcome.not_attempted =
      std::max<std::int64_t>(0, plan.total - tally.produced - failed_to_queue);
  tally.outcome.interrupted = stopping.load() && tally.outcome.not_attempted > 0;
  if (tally.outcome.first_failed_id) {
    tally.outcome.resume_from_id = tally.outcome.first_failed_id;
  } else if (tally.outcome.not_attempted > 0) {
    tally.outcome.resume_from_id = last_queued + 1;
  }
  if (read_error) return *read_error;
  return tally.outcome;
}

}  // namespace outbox
