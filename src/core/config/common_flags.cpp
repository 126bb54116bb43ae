#include "core/config/common_flags.hpp"

#include <cstdlib>
#include <vector>

#include "core/config/required_flag.hpp"
#include "core/kafka/security.hpp"

namespace core::config {

namespace {
constexpr const char* kBrokers = "brokers";
constexpr const char* kBrokersEnv = "KAFKA_BROKERS";
constexpr const char* kKafkaProperty = "kafka-property";
constexpr const char* kProtocol = "kafka-security-protocol";
constexpr const char* kMechanism = "kafka-sasl-mechanism";
constexpr const char* kUser = "kafka-user";
constexpr const char* kPasswordFile = "kafka-password-file";
constexpr const char* kPasswordEnv = "KAFKA_PASSWORD";
constexpr const char* kCaFile = "kafka-ca-file";

std::string optional(const CommandLine& cli, const char* name) {
  return cli.has(name) ? cli.get<std::string>(name) : std::string();
}

// The password from --kafka-password-file, else from KAFKA_PASSWORD.
std::optional<int> readPassword(const CommandLine& cli, std::string& password) {
  if (const auto path = optional(cli, kPasswordFile); !path.empty()) {
    auto read = kafka::readPasswordFile(path);
    if (!read)
      return cli.usageError("--" + std::string(kPasswordFile) + ": " + read.error().message);
    password = *read;
    return std::nullopt;
  }
  if (const char* value = std::getenv(kPasswordEnv)) password = value;
  return std::nullopt;
}
}  // namespace

void addDatabaseUrlFlag(CommandLine& cli, const DatabaseUrlFlag& flag) {
  cli.add(flag.name, po::value<std::string>(), flag.description, flag.env);
}

void addBrokersFlag(CommandLine& cli) {
  cli.add(kBrokers, po::value<std::string>(), "Kafka bootstrap servers", kBrokersEnv);
  cli.add(kProtocol, po::value<std::string>()->default_value("plaintext"),
          "how to reach Kafka: plaintext, sasl_plaintext or sasl_ssl", "KAFKA_SECURITY_PROTOCOL");
  cli.add(kMechanism, po::value<std::string>()->default_value("PLAIN"),
          "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (SCRAM needs librdkafka "
          ">= 2.6.1 with Kafka 4 brokers)",
          "KAFKA_SASL_MECHANISM");
  cli.add(kUser, po::value<std::string>(), "Kafka user (SASL) this process logs in as",
          "KAFKA_USER");
  cli.add(kPasswordFile, po::value<std::string>(),
          "file holding the Kafka user's password (or set KAFKA_PASSWORD)", "KAFKA_PASSWORD_FILE");
  cli.add(kCaFile, po::value<std::string>(),
          "PEM file of the CA that signed the brokers' certificates (sasl_ssl)", "KAFKA_CA_FILE");
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

std::optional<int> readKafkaSecurity(const CommandLine& cli, kafka::Properties& properties) {
  kafka::Security security;
  security.protocol = cli.get<std::string>(kProtocol);
  security.mechanism = cli.get<std::string>(kMechanism);
  security.user = optional(cli, kUser);
  security.ca_file = optional(cli, kCaFile);
  const std::string protocol_flag = "--" + std::string(kProtocol);
  if (security.protocol != "plaintext" && security.protocol != "sasl_plaintext" &&
      security.protocol != "sasl_ssl") {
    return cli.usageError(protocol_flag + " must be plaintext, sasl_plaintext or sasl_ssl, not '" +
                          security.protocol + "'");
  }
  if (security.protocol == "plaintext") {
    if (!security.user.empty()) {
      return cli.usageError("--" + std::string(kUser) + " needs " + protocol_flag +
                            " sasl_plaintext or sasl_ssl");
    }
    return std::nullopt;
  }
  if (security.mechanism != "PLAIN" && security.mechanism != "SCRAM-SHA-256" &&
      security.mechanism != "SCRAM-SHA-512") {
    return cli.usageError("--" + std::string(kMechanism) +
                          " must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, not '" +
                          security.mechanism + "'");
  }
  if (security.user.empty()) {
    return cli.usageError("--" + std::string(kUser) + " is required with " + protocol_flag + " " +
                          security.protocol + " (or set KAFKA_USER)");
  }
  if (auto e = readPassword(cli, security.password)) return e;
  if (security.password.empty()) {
    return cli.usageError("--" + std::string(kPasswordFile) + " (or " + kPasswordEnv +
                          ") is required with --" + kUser);
  }
  if (!security.ca_file.empty() && security.protocol != "sasl_ssl") {
    return cli.usageError("--" + std::string(kCaFile) + " needs " + protocol_flag + " sasl_ssl");
  }
  auto secured = kafka::securityProperties(security);
  if (!secured) return cli.usageError(secured.error().message);
  properties.insert(properties.end(), secured->begin(), secured->end());
  return std::nullopt;
}

std::optional<int> readKafkaProperties(const CommandLine& cli, kafka::Properties& properties) {
  if (auto e = readKafkaSecurity(cli, properties)) return e;
  if (!cli.has(kKafkaProperty)) return std::nullopt;
  for (const auto& text : cli.get<std::vector<std::string>>(kKafkaProperty)) {
    auto property = kafka::parseProperty(text);
    if (!property) return cli.usageError("-X: " + property.error().message);
    properties.push_back(*property);
  }
  return std::nullopt;
}

}  // namespace core::config
