#pragma once
// `notification-worker redrive`: moves events from the FAILED topic back to
// the notification topic with a fresh attempt count (retries=0, not_before
// cleared). The retry log is kept and marked with a "redriven at ..." line,
// so the history stays with the event. Reads the FAILED topic from the start
// up to its current end with a throwaway consumer group, selects by event id
// and/or failure time (the FAILED message's timestamp), and skips messages
// the notifications database says were re-driven before. Each event is
// recorded only after the broker acknowledged its copy on the target topic.

#include <chrono>
#include <optional>
#include <ostream>
#include <set>
#include <string>

#include "core/domain/events.hpp"
#include "core/domain/timestamp.hpp"
#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace notification {

struct RedriveOptions {
  std::string database_url;
  std::string brokers;
  core::kafka::Properties kafka_properties;
  std::string failed_topic;
  std::string target_topic;
  std::set<std::string> event_ids;               // empty: every event
  std::optional<core::domain::Timestamp> since;  // failed at or after
  std::optional<core::domain::Timestamp> until;  // failed before
  bool dry_run = false;
  std::chrono::milliseconds delivery_timeout{30000};
  std::chrono::milliseconds read_timeout{30000};  // assignment and reading to the end
};

struct RedriveReport {
  std::size_t scanned = 0;   // FAILED messages read
  std::size_t matched = 0;   // selected by the filters
  std::size_t already = 0;   // matched but re-driven before
  std::size_t invalid = 0;   // matched but not a notification event (left alone)
  std::size_t redriven = 0;  // moved by this run
};

// The event as it goes back: retries 0, not_before cleared, a marker line
// appended to the retry log.
core::domain::NotificationEvent prepareRedrive(core::domain::NotificationEvent event,
                                               core::domain::Timestamp now);

// Progress ("redriven 3/10 event_id=...") goes to `progress`.
core::Result<RedriveReport> redrive(const RedriveOptions& options, std::ostream& progress);

}  // namespace notification
