#pragma once
// replication-worker's flags, environment fallbacks and validation: the daemon
// (`replication-worker [flags]`) and the `verify` and `after-restore` subcommands.

#include <string>
#include <variant>
#include <vector>

#include "core/logging/logging.hpp"
#include "workers/replication/after_restore.hpp"
#include "workers/replication/replicator.hpp"
#include "workers/replication/verify.hpp"

namespace replication {

inline constexpr const char* kProgram = "replication-worker";
inline constexpr const char* kDefaultMetricsAddress = "127.0.0.1:9465";

struct ReplicationConfig {
  ReplicatorOptions replicator;
  std::string metrics_address;  // empty: no status server
  std::string log_level;
  core::logging::LogFile log_file;
};

struct VerifyConfig {
  VerifyOptions verify;
  std::string log_level;
};

struct AfterRestoreConfig {
  AfterRestoreOptions options;
  std::string log_level;
};

// The config, or the exit code to stop with (help printed, or a one-line
// error that names the flag). `args` excludes the program name.
std::variant<ReplicationConfig, int> parseReplicationConfig(const std::vector<std::string>& args);
// `args` excludes the program name and the word "verify".
std::variant<VerifyConfig, int> parseVerifyConfig(const std::vector<std::string>& args);
// `args` excludes the program name and the word "after-restore".
std::variant<AfterRestoreConfig, int> parseAfterRestoreConfig(const std::vector<std::string>& args);

// Kafka's rule for topic names: 1 to 249 of [a-zA-Z0-9._-], not "." or "..".
bool isValidTopicName(const std::string& name);
// "host:port" with a numeric port from 0 to 65535.
bool isValidListenAddress(const std::string& address);

}  // namespace replication
