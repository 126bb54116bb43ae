#include "core/config/log_flags.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

#include "core/config/group_flags.hpp"
#include "core/exit_codes.hpp"
#include "support/captured_stderr.hpp"

using core::config::CommandLine;

namespace {

// The flags' variables are unset while it lives (a sourced test env must
// not change what the flags alone give).
class NoLogVariables {
 public:
  NoLogVariables() {
    for (const char* name : {"LOG_LEVEL", "LOG_FILE", "LOG_MAX_BYTES", "LOG_FILES",
                             "TEST_GROUP_INSTANCE_ID", "TEST_SESSION_TIMEOUT_MS"}) {
      if (const char* value = std::getenv(name)) saved_.emplace_back(name, value);
      unsetenv(name);
    }
  }
  ~NoLogVariables() {
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
  }
  NoLogVariables(const NoLogVariables&) = delete;
  NoLogVariables& operator=(const NoLogVariables&) = delete;

 private:
  std::vector<std::pair<std::string, std::string>> saved_;
};

CommandLine parsed(const std::vector<std::string>& args) {
  CommandLine cli("prog", "prog [flags]", "Test program.");
  core::config::addLogLevelFlag(cli);
  core::config::addLogFileFlags(cli);
  core::config::addGroupMembershipFlags(cli, "TEST");
  REQUIRE_FALSE(cli.parse(args).has_value());
  return cli;
}

// What a reader printed for `args`, or "" when it accepted them.
template <typename Read>
std::string errorOf(const std::vector<std::string>& args, Read read) {
  const auto cli = parsed(args);
  const testing::CapturedStderr err;
  auto exit = read(cli);
  if (exit) CHECK(*exit == core::kExitUsage);
  return err.text();
}

std::string logFileError(const std::vector<std::string>& args) {
  core::logging::LogFile file;
  return errorOf(args,
                 [&](const CommandLine& cli) { return core::config::readLogFile(cli, file); });
}

std::string membershipError(const std::vector<std::string>& args) {
  core::kafka::GroupMembership membership;
  return errorOf(args, [&](const CommandLine& cli) {
    return core::config::readGroupMembership(cli, membership);
  });
}

}  // namespace

TEST_CASE("--log-level defaults to info, and an unknown level is named in the error") {
  const NoLogVariables clean;
  std::string level;
  CHECK_FALSE(core::config::readLogLevel(parsed({}), level));
  CHECK(level == "info");
  const auto error = errorOf({"--log-level", "loud"}, [&](const CommandLine& cli) {
    return core::config::readLogLevel(cli, level);
  });
  CHECK(error == "prog: error: --log-level: unknown level 'loud' (see --help)\n");
}

TEST_CASE("the log file flags: defaults, and each bound named in its error") {
  const NoLogVariables clean;
  core::logging::LogFile file;
  CHECK_FALSE(core::config::readLogFile(
      parsed({"--log-file", "/tmp/x.log", "--log-max-bytes", "1048576", "--log-files", "100"}),
      file));
  CHECK(file.path == "/tmp/x.log");
  CHECK(file.max_bytes == 1048576U);
  CHECK(file.files == 100U);
  CHECK(logFileError({"--log-max-bytes", "1048575"}) ==
        "prog: error: --log-max-bytes must be from 1048576 to 1073741824 (see --help)\n");
  CHECK(logFileError({"--log-files", "0"}) ==
        "prog: error: --log-files must be from 1 to 100 (see --help)\n");
}

TEST_CASE("group membership: the instance id's characters and the session timeout's range") {
  const NoLogVariables clean;
  core::kafka::GroupMembership membership;
  CHECK_FALSE(core::config::readGroupMembership(
      parsed({"--group-instance-id", "worker-1.a_b", "--session-timeout-ms", "6000"}), membership));
  CHECK(membership.instance_id == "worker-1.a_b");
  CHECK(membership.session_timeout == std::chrono::milliseconds(6000));
  CHECK(membershipError({"--group-instance-id", "a b"}) ==
        "prog: error: --group-instance-id may contain only letters, digits, '.', '_' and '-' "
        "(see --help)\n");
  CHECK(membershipError({"--session-timeout-ms", "300001"}) ==
        "prog: error: --session-timeout-ms must be from 6000 to 300000 (see --help)\n");
}
