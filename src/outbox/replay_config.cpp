#include "outbox/replay_config.hpp"

#include <algorithm>

#include "core/app/main_support.hpp"
#include "core/config/common_flags.hpp"
#include "core/config/flag_range.hpp"
#include "core/config/log_flags.hpp"
#include "core/domain/timestamp.hpp"

namespace outbox {

namespace {

namespace po = core::config::po;

constexpr const char* kSummary =
    "Republishes already-published outbox rows, chosen by id range (--from-id/--to-id, both\n"
    "inclusive) and/or creation time (--from-time inclusive, --to-time exclusive, ISO-8601),\n"
    "to their original topics or all to --to-topic, with the same key and payload, their\n"
    "headers plus replay=true (and replay_original_topic with --to-topic). Rows go out in id\n"
    "order through an idempotent producer; the command waits for every delivery report and\n"
    "exits 1 if any message failed, naming the first failed id to resume from.\n"
    "Replay reads on a read-only session with a keyset cursor over id; it never changes\n"
    "published_at or the stored offsets and needs no leader lock, so it is safe while the\n"
    "daemon runs. --dry-run prints the count per topic and the first rows, and sends nothing.\n"
    "Progress goes to stderr: a bar on a terminal, one line per --progress-interval-ms\n"
    "otherwise.";

}  // namespace

std::optional<std::string> normalizeTime(const std::string& text) {
  std::string candidate = text;
  if (candidate.size() == 10) candidate += "T00:00:00Z";
  auto parsed = core::domain::parseIso8601(candidate);
  if (!parsed) parsed = core::domain::parseIso8601(candidate + "Z");
  if (!parsed) return std::nullopt;
  return core::domain::formatIso8601(*parsed);
}

bool validTopicName(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::variant<ReplayConfig, int> parseReplayConfig(const Invocation& invocation) {
  core::config::CommandLine cli(
      invocation.name,
      "outbox-relay replay [--from-id N] [--to-id N] [--from-time T] [--to-time T] "
      "[--to-topic NAME] [--dry-run] [flags]",
      kSummary);
  core::config::addDatabaseUrlFlag(cli, core::config::kCustomersDatabaseUrl);
  core::config::addBrokersFlag(cli);
  core::config::addKafkaPropertyFlag(cli,
                                     "extra librdkafka producer property key=value (repeatable)");
  cli.add("from-id", po::value<std::int64_t>(), "first outbox id to replay (inclusive)");
  cli.add("to-id", po::value<std::int64_t>(), "last outbox id to replay (inclusive)");
  cli.add("from-time", po::value<std::string>(),
          "replay rows created at or after this ISO-8601 time (no offset: UTC)");
  cli.add("to-time", po::value<std::string>(), "replay rows created before this ISO-8601 time");
  cli.add("topic", po::value<std::string>(), "only rows whose original topic is this");
  cli.add("to-topic", po::value<std::string>(), "send every row to this topic instead");
  cli.addSwitch("dry-run", "print the count per topic and the first rows; send nothing");
  cli.add("show", po::value<std::int64_t>()->default_value(10), "rows listed by --dry-run");
  cli.add("batch-size", po::value<std::int64_t>()->default_value(500), "rows read per query",
          "REPLAY_BATCH_SIZE");
  cli.add("delivery-timeout-ms", po::value<long>()->default_value(60000),
          "how long a message may wait for the broker before it counts as failed",
          "REPLAY_DELIVERY_TIMEOUT_MS");
  cli.add("progress", po::value<std::string>()->default_value("auto"),
          "auto (bar on a terminal, else lines), bar, lines or none", "REPLAY_PROGRESS");
  cli.add("progress-interval-ms", po::value<long>()->default_value(1000),
          "time between progress lines when not drawing a bar");
  core::config::addLogLevelFlag(cli);
  if (auto exit = cli.parse(invocation.args)) return *exit;

  ReplayConfig config;
  if (auto e = core::config::readDatabaseUrl(cli, core::config::kCustomersDatabaseUrl,
                                             config.database_url))
    return *e;
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  if (auto e = core::config::readKafkaProperties(cli, config.kafka_properties)) return *e;
  config.dry_run = cli.flag("dry-run");
  if (!config.dry_run) {
    if (auto e = core::config::readBrokers(cli, config.brokers)) return *e;
  }
  for (const char* flag : {"from-id", "to-id"}) {
    if (!cli.has(flag)) continue;
    const auto id = cli.get<std::int64_t>(flag);
    if (id < 1) return cli.usageError(std::string("--") + flag + " must be a positive row id");
    (std::string(flag) == "from-id" ? config.range.from_id : config.range.to_id) = id;
  }
  if (config.range.from_id && config.range.to_id && *config.range.from_id > *config.range.to_id) {
    return cli.usageError("--from-id (" + std::to_string(*config.range.from_id) +
                          ") is greater than --to-id (" + std::to_string(*config.range.to_id) +
                          ")");
  }
  for (const char* flag : {"from-time", "to-time"}) {
    if (!cli.has(flag)) continue;
    const auto text = cli.get<std::string>(flag);
    auto time = normalizeTime(text);
    if (!time) {
      return cli.usageError(std::string("--") + flag + ": '" + text +
                            "' is not an ISO-8601 time (e.g. 2026-11-28T09:00:00Z)");
    }
    (std::string(flag) == "from-time" ? config.range.from_time : config.range.to_time) = *time;
  }
  // parseIso8601 reads back what normalizeTime wrote.
  if (config.range.from_time && config.range.to_time &&
      !(*core::domain::parseIso8601(*config.range.from_time) <
        *core::domain::parseIso8601(*config.range.to_time))) {
    return cli.usageError("--from-time (" + *config.range.from_time +
                          ") must be before --to-time (" + *config.range.to_time + ")");
  }
  if (!config.range.from_id && !config.range.to_id && !config.range.from_time &&
      !config.range.to_time) {
    return cli.usageError("replay needs a range: --from-id/--to-id and/or --from-time/--to-time");
  }
  for (const char* flag : {"topic", "to-topic"}) {
    if (!cli.has(flag)) continue;
    const auto name = cli.get<std::string>(flag);
    if (!validTopicName(name)) {
      return cli.usageError(std::string("--") + flag + ": '" + name +
                            "' is not a valid Kafka topic name");
    }
    (std::string(flag) == "topic" ? config.range.topic : config.to_topic) = name;
  }
  using core::config::readRange;
  if (auto e = readRange(cli, "show", 0, 10000, config.show)) return *e;
  if (auto e = readRange(cli, "batch-size", 1, 100000, config.batch_size)) return *e;
  if (auto e = readRange(cli, "delivery-timeout-ms", 100, 3600000, config.delivery_timeout)) {
    return *e;
  }
  if (!parseProgressMode(cli.get<std::string>("progress"), config.progress)) {
    return cli.usageError("--progress: '" + cli.get<std::string>("progress") +
                          "' is not one of auto, bar, lines, none");
  }
  if (auto e = readRange(cli, "progress-interval-ms", 10, 3600000, config.progress_interval)) {
    return *e;
  }
  return config;
}

}  // namespace outbox
