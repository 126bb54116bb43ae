#include "core/config/group_flags.hpp"

#include <cctype>

#include "core/config/flag_range.hpp"

namespace core::config {

void addGroupMembershipFlags(CommandLine& cli, const std::string& env_prefix) {
  cli.add("group-instance-id", po::value<std::string>()->default_value(""),
          "stable id of this group member (static membership): restarted under the same id, "
          "it gets its partitions back at once; empty: dynamic membership",
          env_prefix + "_GROUP_INSTANCE_ID");
  cli.add("session-timeout-ms", po::value<long>()->default_value(10000),
          "how long the group waits for a silent member before its partitions go to another "
          "(6000-300000, within the broker's group.min/max.session.timeout.ms)",
          env_prefix + "_SESSION_TIMEOUT_MS");
}

std::optional<int> readGroupMembership(const CommandLine& cli, kafka::GroupMembership& membership) {
  membership.instance_id = cli.get<std::string>("group-instance-id");
  if (membership.instance_id.size() > 249) {
    return cli.usageError("--group-instance-id must be at most 249 characters");
  }
  for (char c : membership.instance_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '_' && c != '-') {
      return cli.usageError(
          "--group-instance-id may contain only letters, digits, '.', '_' and '-'");
    }
  }
  return readRange(cli, "session-timeout-ms", 6000, 300000, membership.session_timeout);
}

}  // namespace core::config
