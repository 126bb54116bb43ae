#pragma once
// The replay engine: pages through a ReplayPlan's rows in id order, produces
// each to its destination with the replay headers, waits for every delivery
// report and counts the outcome. It stops reading at the first failure (the
// broker is unlikely to take the rest) but still waits for what is in flight.

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kafka/producer.hpp"
#include "outbox/progress.hpp"
#include "outbox/replay_config.hpp"
#include "outbox/replay_source.hpp"

namespace outbox {

struct ReplayOutcome {
  std::int64_t delivered = 0;
  std::int64_t failed = 0;         // refused, timed out, or never sent after a failure
  std::int64_t not_attempted = 0;  // rows of the plan left unsent (failure or stop)
  std::optional<std::int64_t> first_failed_id;
  // Where a re-run with --from-id picks up: the first failed id, or the id
  // after the last one sent when the run stopped early. Empty when complete.
  std::optional<std::int64_t> resume_from_id;
  std::string first_error;
  bool interrupted = false;                             // stopped early by a signal
  std::map<std::string, std::int64_t> per_destination;  // delivered rows by topic
};

// The message a row becomes: same key and payload, its headers plus replay=true
// (and replay_original_topic when redirected).
core::kafka::OutgoingMessage replayMessage(const core::db::OutboxRow& row,
                                           const std::optional<std::string>& to_topic);

// Pages and sends; kUnavailable/kInternal only when reading the database failed.
core::Result<ReplayOutcome> replayRows(const ReplayConfig& config, const ReplayPlan& plan,
                                       ReplaySource& source, core::kafka::Producer& producer,
                                       ProgressReporter& progress,
                                       const std::atomic<bool>& stopping);

}  // namespace outbox
