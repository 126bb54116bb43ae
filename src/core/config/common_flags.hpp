#pragma once
// The connection flags every executable has: a PostgreSQL URL, the Kafka
// brokers with the client's identity, and extra librdkafka properties,
// spelled and read the same way everywhere.

#include <optional>
#include <string>

#include "core/config/command_line.hpp"
#include "core/kafka/properties.hpp"

namespace core::config {

// A required PostgreSQL URL flag; each executable names its own, e.g.
// {"replica-database-url", "REPLICA_DATABASE_URL", "PostgreSQL URL of the replica database"}.
struct DatabaseUrlFlag {
  std::string name;
  std::string env;
  std::string description;
};

// The customers database, as customer-api and outbox-relay name it.
inline const DatabaseUrlFlag kCustomersDatabaseUrl{"database-url", "DATABASE_URL",
                                                   "PostgreSQL URL of the customers database"};

void addDatabaseUrlFlag(CommandLine& cli, const DatabaseUrlFlag& flag);
// --brokers [KAFKA_BROKERS] and the client's identity:
// --kafka-security-protocol, --kafka-sasl-mechanism, --kafka-user,
// --kafka-password-file (or KAFKA_PASSWORD; never a password on the command
// line, where ps shows it) and --kafka-ca-file.
void addBrokersFlag(CommandLine& cli);
// -X/--kafka-property key=value (repeatable); `description` says which
// clients the properties go to.
void addKafkaPropertyFlag(CommandLine& cli, const std::string& description =
                                                "extra librdkafka property key=value (repeatable)");

// Each returns an exit code (a one-line error already printed) on bad input.
std::optional<int> readDatabaseUrl(const CommandLine& cli, const DatabaseUrlFlag& flag,
                                   std::string& url);
std::optional<int> readBrokers(const CommandLine& cli, std::string& brokers);
// Appends the properties of the identity flags (none for plaintext).
std::optional<int> readKafkaSecurity(const CommandLine& cli, kafka::Properties& properties);
// Appends the identity's properties, then every -X property in order (later
// ones win in librdkafka).
std::optional<int> readKafkaProperties(const CommandLine& cli, kafka::Properties& properties);

}  // namespace core::config
