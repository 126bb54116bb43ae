#pragma once
// Flags of `outbox-relay replay`.

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "core/kafka/properties.hpp"
#include "outbox/command.hpp"
#include "outbox/progress.hpp"
#include "outbox/replay_source.hpp"

namespace outbox {

struct ReplayConfig {
  std::string database_url;
  std::string brokers;  // not needed with --dry-run
  core::kafka::Properties kafka_properties;
  ReplayRange range;
  std::optional<std::string> to_topic;  // empty: each row to its original topic
  bool dry_run = false;
  std::int64_t show = 10;  // rows listed by --dry-run
  std::int64_t batch_size = 500;
  std::chrono::milliseconds delivery_timeout{60000};
  ProgressMode progress = ProgressMode::kAuto;
  std::chrono::milliseconds progress_interval{1000};
  std::string log_level;
};

std::variant<ReplayConfig, int> parseReplayConfig(const Invocation& invocation);

// "2026-11-28T09:00:00Z", "...+01:00", "2026-11-28T09:00:00" (UTC) or
// "2026-11-28" (midnight UTC) -> the instant as ISO-8601 UTC; nullopt if invalid.
std::optional<std::string> normalizeTime(const std::string& text);

// Kafka's rule: 1 to 249 of [a-zA-Z0-9._-], not "." or "..".
bool validTopicName(const std::string& name);

}  // namespace outbox
