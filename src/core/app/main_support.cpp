#include "core/app/main_support.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <csignal>
#include <iostream>

#include "core/exit_codes.hpp"
#include "core/logging/logging.hpp"

namespace core::app {

int runMain(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return kExitFailure;
  }
}

namespace {
// libpq and librdkafka messages may span lines; a person reads one line.
std::string oneLine(const std::string& text) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}
}  // namespace

int fail(const std::string& program, const Error& error) {
  std::cerr << program << ": error: " << oneLine(error.message) << "\n";
  switch (error.kind) {
    case ErrorKind::kInvalidArgument: return kExitUsage;
    case ErrorKind::kUnavailable: return kExitUnavailable;
    default: return kExitFailure;
  }
}

void addLogLevelFlag(config::CommandLine& cli) {
  cli.add("log-level", config::po::value<std::string>()->default_value("info"),
          "trace, debug, info, warn, error, critical or off", "LOG_LEVEL");
}

void addLogFileFlags(config::CommandLine& cli) {
  const logging::LogFile defaults;
  cli.add("log-file", config::po::value<std::string>()->default_value(""),
          "write the log to this file instead of stderr, rotated by size", "LOG_FILE");
  cli.add("log-max-bytes",
          config::po::value<long>()->default_value(static_cast<long>(defaults.max_bytes)),
          "size at which --log-file rotates (1 MB to 1 GB)", "LOG_MAX_BYTES");
  cli.add("log-files", config::po::value<long>()->default_value(static_cast<long>(defaults.files)),
          "rotated files kept beside --log-file (1 to 100)", "LOG_FILES");
}

std::optional<int> readLogFile(const config::CommandLine& cli, logging::LogFile& file) {
  file.path = cli.get<std::string>("log-file");
  const long max_bytes = cli.get<long>("log-max-bytes");
  if (max_bytes < 1024 * 1024 || max_bytes > 1024L * 1024 * 1024) {
    return cli.usageError("--log-max-bytes must be from 1048576 to 1073741824");
  }
  const long files = cli.get<long>("log-files");
  if (files < 1 || files > 100) return cli.usageError("--log-files must be from 1 to 100");
  file.max_bytes = static_cast<std::size_t>(max_bytes);
  file.files = static_cast<std::size_t>(files);
  return std::nullopt;
}

void addGroupMembershipFlags(config::CommandLine& cli, const std::string& env_prefix) {
  cli.add("group-instance-id", config::po::value<std::string>()->default_value(""),
          "stable id of this group member (static membership): restarted under the same id, "
          "it gets its partitions back at once; empty: dynamic membership",
          env_prefix + "_GROUP_INSTANCE_ID");
  cli.add("session-timeout-ms", config::po::value<long>()->default_value(10000),
          "how long the group waits for a silent member before its partitions go to another "
          "(6000-300000, within the broker's group.min/max.session.timeout.ms)",
          env_prefix + "_SESSION_TIMEOUT_MS");
}

std::optional<int> readGroupMembership(const config::CommandLine& cli,
                                       kafka::GroupMembership& membership) {
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
  const long timeout = cli.get<long>("session-timeout-ms");
  if (timeout < 6000 || timeout > 300000) {
    return cli.usageError("--session-timeout-ms must be from 6000 to 300000");
  }
  membership.session_timeout = std::chrono::milliseconds(timeout);
  return std::nullopt;
}

std::optional<int> initLogging(const config::CommandLine& cli) {
  if (auto status = logging::init(cli.program(), cli.get<std::string>("log-level")); !status) {
    return cli.usageError("--log-level: " + status.error().message);
  }
  return std::nullopt;
}

Result<std::string> requireFlag(const config::CommandLine& cli, const std::string& flag,
                                const std::string& env) {
  if (!cli.has(flag) || cli.get<std::string>(flag).empty()) {
    return Error{ErrorKind::kInvalidArgument, "--" + flag + " is required (or set " + env + ")"};
  }
  return cli.get<std::string>(flag);
}

void blockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a peer that went away is an error value, not a kill
}

int waitForTermination() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  return signal_number;
}

}  // namespace core::app
