#pragma once
// The Kafka consumer group membership flags of the workers.

#include <optional>
#include <string>

#include "core/config/command_line.hpp"
#include "core/kafka/consumer.hpp"

namespace core::config {

// --group-instance-id and --session-timeout-ms (variables
// <env_prefix>_GROUP_INSTANCE_ID, <env_prefix>_SESSION_TIMEOUT_MS).
void addGroupMembershipFlags(CommandLine& cli, const std::string& env_prefix);
// Reads them; an exit code (a usage error naming the flag) when one is bad.
std::optional<int> readGroupMembership(const CommandLine& cli, kafka::GroupMembership& membership);

}  // namespace core::config
