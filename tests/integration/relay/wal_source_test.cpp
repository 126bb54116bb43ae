// outbox-relay --source wal against the real PostgreSQL 15 and Kafka of the
// test stack: rows written through the API go out with their keys and
// headers, and a relay that was down while 100,000 rows were written catches
// up from the slot. The scenarios both sources share (commit order, kill -9,
// two relays, broker outage, replay) run once per source, in
// source_order_test.cpp, kill_test.cpp, source_outage_test.cpp and
// replay_command_test.cpp.

#include <doctest/doctest.h>

#include <csignal>

#include "integration/relay/wal_fixture.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;
using testing::WalRelay;

TEST_CASE("wal source: rows written through the API go out with their headers and keys") {
  RelayFixture f;
  WalRelay wal(f);
  testing::ChildProcess relay(wal.command());
  REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
  const auto id = f.createCustomer(1);
  f.renameCustomer(id, "Renamed");
  const auto messages = testing::readTopic(f.topics().crud, 2, std::chrono::seconds(30));
  REQUIRE(messages.size() == 2);
  const auto versions = RelayFixture::versionsByCustomer(messages);
  CHECK(versions.at(id) == std::vector<int>{1, 2});
  CHECK(messages[0].key == std::to_string(id));
  CHECK(RelayFixture::header(messages[0], "event_type") == std::string("customer.created"));
  CHECK(RelayFixture::header(messages[1], "event_id").has_value());
  CHECK(testing::waitUntil([&]() { return f.unpublished() == 0; }));
}

TEST_CASE(
    "wal source: a relay that was down while 100,000 rows were written catches up from the slot") {
  constexpr int kCustomers = 1000;
  constexpr int kVersions = 100;        // 100,000 rows
  constexpr int kPerTransaction = 250;  // in 400 transactions
  RelayFixture f;
  WalRelay wal(f);
  {
    // The first start creates the slot; from then on the slot keeps what is written.
    testing::ChildProcess relay(wal.command());
    REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
    CHECK(relay.stop(SIGTERM) == 0);
    CHECK(relay.output().find("created replication slot " + wal.slot()) != std::string::npos);
  }
  testing::insertInTransactions(f, kCustomers, kVersions, kPerTransaction);
  const long long total = kCustomers * kVersions;
  REQUIRE(f.unpublished() == total);
  const std::string last_write = [&]() {
    pqxx::connection c(f.db().url());
    pqxx::nontransaction tx(c);
    return tx.exec1("SELECT pg_current_wal_lsn()::text")[0].as<std::string>();
  }();

  const auto started = std::chrono::steady_clock::now();
  testing::ChildProcess relay(wal.command(1000));
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; },
                                     std::chrono::seconds(300), std::chrono::milliseconds(200)),
                  relay.output());  // all rows marked
  // The slot moved past the last write: the server may forget all of it.
  CHECK_MESSAGE(testing::waitUntil(
                    [&]() {
                      return f.scalar(
                                 "SELECT count(*) FROM pg_replication_slots WHERE slot_name "
                                 "= '" +
                                 wal.slot() + "' AND confirmed_flush_lsn >= '" + last_write +
                                 "'::pg_lsn") == 1;
                    },
                    std::chrono::seconds(30)),
                "confirmed " << wal.confirmedLsn() << ", last write " << last_write);
  const auto caught_up =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE("caught up with " << total << " rows in " << caught_up << " s");
  CHECK(relay.stop(SIGTERM) == 0);

  const auto messages = testing::readTopic(f.topics().crud, static_cast<std::size_t>(total),
                                           std::chrono::seconds(180));
  CHECK(static_cast<long long>(messages.size()) == total);  // no repeats without a failure
  testing::checkOrderPerCustomer(messages, kCustomers, kVersions);
}

TEST_CASE("wal source: --once and bad names are refused with the flag named") {
  RelayFixture f;
  auto once = f.relayCommand("", "--source wal --once");
  CHECK(once.exit_code == 2);
  CHECK(once.output.find("--once works with --source poll only") != std::string::npos);
  auto source = f.relayCommand("", "--source wall");
  CHECK(source.exit_code == 2);
  CHECK(source.output.find("--source: 'wall' is neither poll nor wal") != std::string::npos);
  auto slot = f.relayCommand("", "--source wal --slot Bad-Name");
  CHECK(slot.exit_code == 2);
  CHECK(slot.output.find("--slot: 'Bad-Name'") != std::string::npos);
}
