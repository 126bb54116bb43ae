#include "outbox/common_flags.hpp"

#include <algorithm>

#include "core/app/main_support.hpp"
#include "core/logging/logging.hpp"

namespace outbox {

namespace po = core::config::po;

void addDatabaseFlag(core::config::CommandLine& cli) {
  cli.add("database-url", po::value<std::string>(), "PostgreSQL URL of the customers database",
          "DATABASE_URL");
}

void addKafkaFlags(core::config::CommandLine& cli) {
  cli.add("brokers", po::value<std::string>(), "Kafka bootstrap servers", "KAFKA_BROKERS");
  cli.add("kafka-property,X", po::value<std::vector<std::string>>()->composing(),
          "extra librdkafka producer property key=value (repeatable)");
}

std::optional<int> readDatabaseUrl(const core::config::CommandLine& cli, std::string& url) {
  auto value = core::app::requireFlag(cli, "database-url", "DATABASE_URL");
  if (!value) return cli.usageError(value.error().message);
  url = *value;
  return std::nullopt;
}

std::optional<int> readBrokers(const core::config::CommandLine& cli, std::string& brokers) {
  auto value = core::app::requireFlag(cli, "brokers", "KAFKA_BROKERS");
  if (!value) return cli.usageError(value.error().message);
  brokers = *value;
  return std::nullopt;
}

std::optional<int> readKafkaProperties(const core::config::CommandLine& cli,
                                       core::kafka::Properties& properties) {
  if (!cli.has("kafka-property")) return std::nullopt;
  for (const auto& text : cli.get<std::vector<std::string>>("kafka-property")) {
    auto property = core::kafka::parseProperty(text);
    if (!property) return cli.usageError("-X: " + property.error().message);
    properties.push_back(*property);
  }
  return std::nullopt;
}

std::optional<int> readLogLevel(const core::config::CommandLine& cli, std::string& level) {
  level = cli.get<std::string>("log-level");
  if (!core::logging::isValidLevel(level)) {
    return cli.usageError("--log-level: unknown level '" + level + "'");
  }
  return std::nullopt;
}

std::optional<int> readIds(const core::config::CommandLine& cli, const std::string& flag,
                           std::vector<std::int64_t>& ids) {
  if (!cli.has(flag)) return std::nullopt;
  for (const auto& text : cli.get<std::vector<std::string>>(flag)) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto comma = std::min(text.find(',', start), text.size());
      const std::string item = text.substr(start, comma - start);
      std::int64_t id = 0;
      bool valid =
          !item.empty() && item.size() <= 18 &&
          std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (valid) id = std::stoll(item);
      if (!valid || id < 1) {
        return cli.usageError("--" + flag + ": '" + item +
                              "' is not a row id (a positive integer)");
      }
      ids.push_back(id);
      start = comma + 1;
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return std::nullopt;
}

}  // namespace outbox
