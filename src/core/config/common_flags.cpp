#include "core/config/common_flags.hpp"

#include <vector>

#include "core/config/required_flag.hpp"

namespace core::config {

namespace {
constexpr const char* kBrokers = "brokers";
constexpr const char* kBrokersEnv = "KAFKA_BROKERS";
constexpr const char* kKafkaProperty = "kafka-property";
}  // namespace

void addDatabaseUrlFlag(CommandLine& cli, const DatabaseUrlFlag& flag) {
  cli.add(flag.name, po::value<std::string>(), flag.description, flag.env);
}

void addBrokersFlag(CommandLine& cli) {
  cli.add(kBrokers, po::value<std::string>(), "Kafka bootstrap servers", kBrokersEnv);
}

void addKafkaPropertyFlag(CommandLine& cli, const std::string& description) {
  cli.add(std::string(kKafkaProperty) + ",X", po::value<std::vector<std::string>>()->composing(),
          description);
}

std::optional<int> readDatabaseUrl(const CommandLine& cli, const DatabaseUrlFlag& flag,
                                   std::string& url) {
  return readRequired(cli, flag.name, flag.env, url);
}

std::optional<int> readBrokers(const CommandLine& cli, std::string& brokers) {
  return readRequired(cli, kBrokers, kBrokersEnv, brokers);
}

std::optional<int> readKafkaProperties(const CommandLine& cli, kafka::Properties& properties) {
  if (!cli.has(kKafkaProperty)) return std::nullopt;
  for (const auto& text : cli.get<std::vector<std::string>>(kKafkaProperty)) {
    auto property = kafka::parseProperty(text);
    if (!property) return cli.usageError("-X: " + property.error().message);
    properties.push_back(*property);
  }
  return std::nullopt;
}

}  // namespace core::config
