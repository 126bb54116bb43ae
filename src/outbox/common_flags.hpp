#pragma once
// Flags that the daemon and the operator commands share, so that each one is
// spelled, described and read the same way everywhere.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/command_line.hpp"
#include "core/kafka/properties.hpp"

namespace outbox {

// --database-url [DATABASE_URL]
void addDatabaseFlag(core::config::CommandLine& cli);
// --brokers [KAFKA_BROKERS] and -X key=value (repeatable).
void addKafkaFlags(core::config::CommandLine& cli);

// Each returns an exit code (a one-line error already printed) on bad input.
std::optional<int> readDatabaseUrl(const core::config::CommandLine& cli, std::string& url);
std::optional<int> readBrokers(const core::config::CommandLine& cli, std::string& brokers);
std::optional<int> readKafkaProperties(const core::config::CommandLine& cli,
                                       core::kafka::Properties& properties);
std::optional<int> readLogLevel(const core::config::CommandLine& cli, std::string& level);

// "5", "5,7" and repeated flags: every id positive; the error names `flag`.
std::optional<int> readIds(const core::config::CommandLine& cli, const std::string& flag,
                           std::vector<std::int64_t>& ids);

}  // namespace outbox
