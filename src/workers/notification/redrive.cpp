#include "workers/notification/redrive.hpp"

#include <algorithm>
#include <map>

#include "core/json/codec.hpp"
#include "core/kafka/consumer.hpp"
#include "workers/notification/event_forwarder.hpp"
#include "workers/notification/notification_event.hpp"
#include "workers/notification/redrive_log.hpp"

namespace notification {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

namespace {

struct Candidate {
  core::kafka::ConsumedMessage message;
  core::domain::NotificationEvent event;
};

bool selected(const RedriveOptions& options, const core::kafka::ConsumedMessage& message,
              const std::string& event_id) {
  if (!options.event_ids.empty() && options.event_ids.count(event_id) == 0) return false;
  const std::int64_t micros = message.timestamp_ms * 1000;
  if (options.since && micros < options.since->micros_since_epoch) return false;
  if (options.until && micros >= options.until->micros_since_epoch) return false;
  return true;
}

// Every message of the FAILED topic up to its end as of the start of the run.
core::Result<std::vector<core::kafka::ConsumedMessage>> readFailedTopic(
    const RedriveOptions& options) {
  core::kafka::ConsumerOptions consumer_options;
  consumer_options.brokers = options.brokers;
  consumer_options.group_id = "notification-redrive-" + core::domain::newUuid();
  consumer_options.topics = {options.failed_topic};
  consumer_options.client_id = "notification-redrive";
  consumer_options.auto_offset_reset = "earliest";
  consumer_options.extra = options.kafka_properties;
  auto created = core::kafka::Consumer::create(consumer_options);
  if (!created) return created.error();
  auto& consumer = *created;

  std::vector<core::kafka::ConsumedMessage> out;
  std::map<std::int32_t, std::int64_t> next;  // partition -> offset after the last one read
  const auto keep = [&](core::kafka::ConsumedMessage message) {
    next[message.partition] = std::max(next[message.partition], message.offset + 1);
    out.push_back(std::move(message));
  };
  const auto deadline = Clock::now() + options.read_timeout;
  // Joining the (new) group hands out the partitions.
  std::vector<core::kafka::PartitionOffset> partitions;
  while (partitions.empty()) {
    if (Clock::now() > deadline) {
      return Error{ErrorKind::kUnavailable,
                   "no partition of " + options.failed_topic + " was assigned in time"};
    }
    auto polled = consumer->poll(200);
    if (polled && polled->has_value()) keep(std::move(**polled));
    partitions = consumer->assignment();
  }
  std::map<std::int32_t, std::int64_t> end;  // partition -> offset after its last message
  for (const auto& p : partitions) {
    auto marks = consumer->watermarks(p.topic, p.partition, 10000);
    if (!marks) return marks.error();
    if (marks->second > marks->first) end[p.partition] = marks->second;
  }
  const auto reached = [&]() {
    for (const auto& [partition, high] : end) {
      if (next[partition] < high) return false;
    }
    return true;
  };
  while (!reached()) {
    if (Clock::now() > deadline) {
      return Error{ErrorKind::kUnavailable,
                   "could not read " + options.failed_topic + " to its end in time"};
    }
    auto polled = consumer->poll(200);
    if (!polled) {
      if (polled.error().kind != ErrorKind::kUnavailable) return polled.error();
      continue;
    }
    if (polled->has_value()) keep(std::move(**polled));
  }
  consumer->close();
  // Only what was there when the run started (a worker may be adding more).
  std::vector<core::kafka::ConsumedMessage> bounded;
  for (auto& m : out) {
    const auto it = end.find(m.partition);
    if (it != end.end() && m.offset < it->second) bounded.push_back(std::move(m));
  }
  return bounded;
}

}  // namespace

core::domain::NotificationEvent prepareRedrive(core::domain::NotificationEvent event,
                                               core::domain::Timestamp now) {
  event.retry_log.push_back("redriven at " + core::domain::formatIso8601(now) + " after " +
                            std::to_string(event.retries) + " attempt(s); attempts start again");
  event.retries = 0;
  event.not_before.reset();
  return event;
}

core::Result<RedriveReport> redrive(const RedriveOptions& options, std::ostream& progress) {
  RedriveLog log(options.database_url);
  auto before = log.redriven(options.failed_topic);
  if (!before) return before.error();
  auto messages = readFailedTopic(options);
  if (!messages) return messages.error();

  RedriveReport report;
  std::vector<Candidate> candidates;
  for (auto& message : *messages) {
    ++report.scanned;
    auto event = parseNotificationEvent(message.payload);
    const std::string id = event ? event->id : std::string();
    if (!selected(options, message, id)) continue;
    if (!event) {
      // An unreadable FAILED message can only be selected by time.
      ++report.matched;
      ++report.invalid;
      progress << "skipped " << message.topic << "/" << message.partition << "@" << message.offset
               << ": not a notification event (" << event.error().message << ")\n";
      continue;
    }
    ++report.matched;
    if (before->count({message.partition, message.offset, event->id}) > 0) {
      ++report.already;
      continue;
    }
    candidates.push_back({std::move(message), std::move(event).value()});
  }

  const std::size_t total = candidates.size();
  progress << "redrive: " << total << " event(s) to move from " << options.failed_topic << " to "
           << options.target_topic << " (" << report.already << " re-driven before)"
           << (options.dry_run ? " [dry run]" : "") << "\n"
           << std::flush;
  if (options.dry_run) {
    for (const auto& c : candidates) progress << "would redrive event_id=" << c.event.id << "\n";
    return report;
  }

  EventForwarder forwarder(options.brokers, options.kafka_properties, "notification-redrive",
                           options.delivery_timeout);
  for (const auto& c : candidates) {
    const auto event = prepareRedrive(c.event, core::domain::Timestamp::now());
    core::kafka::OutgoingMessage out;
    out.topic = options.target_topic;
    out.key = c.message.key;
    out.payload = core::json::encodeNotificationEvent(event);
    for (const auto& header : c.message.headers) {
      if (header.first.rfind("notification-", 0) != 0) out.headers.push_back(header);
    }
    const std::string origin = c.message.topic + "/" + std::to_string(c.message.partition) + "@" +
                               std::to_string(c.message.offset);
    out.headers.emplace_back("notification-redriven-from", origin);
    if (auto sent = forwarder.forward(out); !sent) {
      return Error{sent.error().kind, "event_id=" + event.id + ": " + sent.error().message + " (" +
                                          std::to_string(report.redriven) + "/" +
                                          std::to_string(total) + " done)"};
    }
    // A crash here re-drives this one event again next time; the sent log
    // still keeps it from being e-mailed twice.
    if (auto recorded = log.record({c.message.topic, c.message.partition, c.message.offset},
                                   event.id, options.target_topic);
        !recorded) {
      return Error{
          recorded.error().kind,
          "event_id=" + event.id + " was re-driven but not recorded: " + recorded.error().message};
    }
    ++report.redriven;
    progress << "redriven " << report.redriven << "/" << total << " event_id=" << event.id << "\n"
             << std::flush;
  }
  return report;
}

}  // namespace notification
