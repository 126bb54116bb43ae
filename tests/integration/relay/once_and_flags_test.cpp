// The built binary's exit codes: --once outcomes and bad flags of every command.

#include <doctest/doctest.h>

#include "integration/relay/relay_fixture.hpp"

using testing::RelayFixture;

namespace {

std::string daemonFlags(const RelayFixture& f, const std::string& brokers) {
  return "--brokers " + brokers + " --lock-key " + std::to_string(f.relayOptions().lock_key) +
         " --metrics-address '' --log-level warn" + testing::kafkaIdentityArgs("outbox-relay");
}

}  // namespace

TEST_CASE("--once exits 0 when every pending row was published") {
  RelayFixture f;
  for (int i = 0; i < 3; ++i) f.createCustomer(i);
  const auto once = f.relayCommand("", "--once " + daemonFlags(f, testing::kafkaBrokers()));
  CHECK_MESSAGE(once.exit_code == 0, once.output);
  CHECK(f.unpublished() == 0);
}

TEST_CASE("--once exits 3 when the brokers are unreachable, and publishes nothing") {
  RelayFixture f;
  f.createCustomer(1);
  const auto started = std::chrono::steady_clock::now();
  const auto once =
      f.relayCommand("", "--once --delivery-timeout-ms 2000 " + daemonFlags(f, "127.0.0.1:1"));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(15));
  CHECK_MESSAGE(once.exit_code == 3, once.output);
  CHECK(once.output.find("127.0.0.1:1") != std::string::npos);
  CHECK(f.unpublished() == 2);
}

TEST_CASE(
    "--once exits non-zero when the broker does not take a row in time, and leaves it "
    "unpublished") {
  RelayFixture f;
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, "
      "payload) VALUES ('" +
      testing::uniqueName("it-no-such-topic") + "', '1', 'customer', 1, 1, 'e', '{}')");
  const auto once = f.relayCommand(
      "", "--once --delivery-timeout-ms 2000 " + daemonFlags(f, testing::kafkaBrokers()));
  CAPTURE(once.output);
  CHECK(once.exit_code == 3);
  CHECK(f.unpublished() == 1);
}

TEST_CASE("--once exits 1 when another relay holds the leader lock past --lock-wait-ms") {
  RelayFixture f;
  f.createCustomer(1);
  pqxx::connection holder(f.db().url());
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(" +
                                    std::to_string(f.relayOptions().lock_key) + ")");
  const auto once =
      f.relayCommand("", "--once --lock-wait-ms 500 " + daemonFlags(f, testing::kafkaBrokers()));
  CHECK_MESSAGE(once.exit_code == 1, once.output);
  CHECK(once.output.find("leader lock") != std::string::npos);
  CHECK(f.unpublished() == 2);
}

TEST_CASE("--once exits 4 when everything publishable went out but rows remain parked") {
  RelayFixture f;
  f.createCustomer(1);
  f.createCustomer(2);
  f.park(1);
  const auto once = f.relayCommand("", "--once " + daemonFlags(f, testing::kafkaBrokers()));
  CHECK_MESSAGE(once.exit_code == 4, once.output);
  CHECK(once.output.find("parked rows wait for an operator") != std::string::npos);
  CHECK(f.unpublished() == 2);  // the parked row and its customer's e-mail row behind it
}

TEST_CASE("bad flags of every command are one-line errors naming the flag, exit 2") {
  RelayFixture f;
  const std::string brokers = " --brokers " + testing::kafkaBrokers();
  struct Case {
    std::string words;
    std::string flags;
    std::string names;
  };
  const std::vector<Case> cases = {
      {"replay", "--from-id 9 --to-id 2" + brokers, "--from-id (9) is greater than --to-id (2)"},
      {"replay", "--from-time tomorrow" + brokers, "--from-time"},
      {"replay", "--from-id 1 --progress loud" + brokers, "--progress"},
      {"replay", brokers, "needs a range"},
      {"retention", "--older-than 10", "--older-than"},
      {"parked skip", "--id 1 --by me", "--reason"},
      {"parked retry", "--id abc", "--id"},
      {"parked list", "--bogus", "bogus"},
      {"", "--retention 3x" + brokers, "--retention"},
      {"", "--notify-channel 'Not Valid'" + brokers, "--notify-channel"},
      {"", "--retention-interval 0m" + brokers, "--retention-interval"},
      {"vacuum", "", "'vacuum'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.words + " " + c.flags);
    const auto r = f.relayCommand(c.words, c.flags);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.names) != std::string::npos);
    CHECK(testing::lineCount(r.output) == 1);
  }
}

TEST_CASE("every command has --help with its flags, defaults, variables and exit codes") {
  for (const std::string words :
       {"", "parked list", "parked retry", "parked skip", "replay", "retention"}) {
    CAPTURE(words);
    const auto r = testing::runCommand(testing::binaryPath("src/outbox/outbox-relay") + " " +
                                       words + " --help");
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("Usage:") != std::string::npos);
    CHECK(r.output.find("Exit codes") != std::string::npos);
    CHECK(r.output.find("DATABASE_URL]") != std::string::npos);
  }
  const auto daemon =
      testing::runCommand(testing::binaryPath("src/outbox/outbox-relay") + " --help");
  for (const char* text :
       {"--retention arg  ", "--retention-batch arg (=1000)", "--listen-notify",
        "RELAY_RETENTION_INTERVAL", "parked list", "replay", "4 everything publishable went out"}) {
    CAPTURE(text);
    CHECK(daemon.output.find(text) != std::string::npos);
  }
}
