// Every executable: --help and --version work, a bad flag or an unreachable
// dependency gives a one-line error and the documented exit code.

#include <doctest/doctest.h>

#include "support/test_env.hpp"

namespace {

struct Executable {
  const char* path;
  std::string good_flags;  // reachable dependencies, except what a case changes
};

std::vector<Executable> executables() {
  // Each on the postgres database (reachable, no schema) as its own role.
  const auto db = [](testing::Role role) { return testing::roleUrl(role, "postgres"); };
  const std::string brokers = testing::kafkaBrokers();
  return {
      {"src/api/customer-api", "--allow-unauthenticated --database-url " + db(testing::Role::kApi)},
      {"src/outbox/outbox-relay",
       "--database-url " + db(testing::Role::kRelay) + " --brokers " + brokers},
      {"src/workers/replication/replication-worker",
       "--replica-database-url " + db(testing::Role::kReplication) + " --brokers " + brokers},
      {"src/workers/notification/notification-worker",
       "--database-url " + db(testing::Role::kNotification) + " --brokers " + brokers +
           " --smtp-url smtp://127.0.0.1:1"},
  };
}

// Runs with an empty environment for the variables, so only flags count.
testing::CommandResult run(const Executable& e, const std::string& flags) {
  return testing::runCommand(
      "env -u DATABASE_URL -u REPLICA_DATABASE_URL -u NOTIFICATION_DATABASE_URL -u KAFKA_BROKERS "
      "-u SMTP_URL " +
      testing::binaryPath(e.path) + " " + flags);
}

}  // namespace

TEST_CASE("--help and --version exit 0 and describe the program") {
  for (const auto& e : executables()) {
    CAPTURE(std::string(e.path));
    auto help = run(e, "--help");
    CHECK(help.exit_code == 0);
    CHECK(help.output.find("Usage:") != std::string::npos);
    CHECK(help.output.find("Exit codes") != std::string::npos);
    auto version = run(e, "--version");
    CHECK(version.exit_code == 0);
    CHECK(version.output.find("0.") != std::string::npos);
  }
}

TEST_CASE("an unknown flag is a one-line error naming it, exit 2") {
  for (const auto& e : executables()) {
    CAPTURE(std::string(e.path));
    auto r = run(e, e.good_flags + " --bogus-flag 1");
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("bogus-flag") != std::string::npos);
    CHECK(testing::lineCount(r.output) == 1);
  }
}

TEST_CASE("a missing required flag names the flag and its variable, exit 2") {
  auto api = run(executables()[0], "");
  CHECK(api.exit_code == 2);
  CHECK(api.output.find("--database-url") != std::string::npos);
  CHECK(api.output.find("DATABASE_URL") != std::string::npos);
  CHECK(testing::lineCount(api.output) == 1);
}

TEST_CASE("a wrong value is a one-line error, exit 2") {
  auto r = run(executables()[0], executables()[0].good_flags + " --log-level loud");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("log-level") != std::string::npos);
  CHECK(testing::lineCount(r.output) == 1);
  auto relay = run(executables()[1], executables()[1].good_flags + " -X no-equals-sign");
  CHECK(relay.exit_code == 2);
  CHECK(relay.output.find("-X") != std::string::npos);
}

TEST_CASE("an unreachable database is a one-line error, exit 3, without hanging") {
  for (const auto& e : executables()) {
    CAPTURE(std::string(e.path));
    std::string flags = e.good_flags;
    // The same role on a port where nothing listens: the server part of its
    // URL ("@127.0.0.1:15433", or the relay's "@%2F…%2Fpg-socket:15433").
    const auto scheme = flags.find("postgresql://");
    REQUIRE(scheme != std::string::npos);
    const auto at = flags.find('@', scheme);
    const auto path = flags.find('/', at);
    REQUIRE(path != std::string::npos);
    flags.replace(at, path - at, "@127.0.0.1:1");
    const auto started = std::chrono::steady_clock::now();
    auto r = run(e, flags);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("unreachable") != std::string::npos);
    CHECK(testing::lineCount(r.output) == 1);
  }
}

TEST_CASE("an unreachable broker is a one-line error, exit 3, without hanging") {
  for (const auto& e : executables()) {
    if (e.good_flags.find("--brokers") == std::string::npos) continue;
    CAPTURE(std::string(e.path));
    std::string flags = e.good_flags;
    flags.replace(flags.find(testing::kafkaBrokers()), testing::kafkaBrokers().size(),
                  "127.0.0.1:1");
    const auto started = std::chrono::steady_clock::now();
    auto r = run(e, flags + " --log-level warn");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("127.0.0.1:1") != std::string::npos);
    CHECK(testing::lineCount(r.output) == 1);
  }
}
