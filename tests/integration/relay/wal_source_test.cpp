// outbox-relay --source wal against the real PostgreSQL 15 and Kafka of the
// test stack: rows go out in commit order, a kill -9 resumes from the slot's
// confirmed position with duplicates only from the unconfirmed tail, and a
// relay that was down catches up from the slot.

#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <set>

#include "integration/relay/wal_fixture.hpp"
#include "support/child_process.hpp"

using testing::decodeEvent;
using testing::kSlotWait;
using testing::RelayFixture;
using testing::WalRelay;

TEST_CASE("wal source: a transaction that began first but committed last is published last") {
  RelayFixture f;
  WalRelay wal(f);
  testing::ChildProcess relay(wal.command());
  REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());

  const auto insert = [&](pqxx::work& tx, int customer) {
    tx.exec(
        "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, "
        "aggregate_version, event_type, payload) VALUES ('" +
        f.topics().crud + "', '" + std::to_string(customer) + "', 'customer', " +
        std::to_string(customer) + ", 1, 'customer.created', jsonb_build_object('aggregate_id', " +
        std::to_string(customer) + ", 'version', 1))");
  };
  pqxx::connection first_connection(f.db().url());
  pqxx::connection second_connection(f.db().url());
  pqxx::work first(first_connection);
  insert(first, 1);  // the lower id
  {
    pqxx::work second(second_connection);
    insert(second, 2);
    second.commit();
  }
  // The later transaction is out before the earlier one commits.
  const auto early = testing::readTopic(f.topics().crud, 1, std::chrono::seconds(30),
                                        std::chrono::milliseconds(0));
  REQUIRE(early.size() == 1);
  CHECK(decodeEvent(early[0]).customer == 2);
  first.commit();

  const auto messages = testing::readTopic(f.topics().crud, 2, std::chrono::seconds(30));
  REQUIRE(messages.size() == 2);
  CHECK(decodeEvent(messages[0]).customer == 2);
  CHECK(decodeEvent(messages[1]).customer == 1);
  // The rows are marked as in polling mode: the outbox stays the archive.
  CHECK(testing::waitUntil([&]() { return f.unpublished() == 0; }));
  CHECK(f.scalar("SELECT count(*) FROM outbox WHERE kafka_offset IS NOT NULL") == 2);
  CHECK(relay.stop(SIGTERM) == 0);
}

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

TEST_CASE("wal source: a relay that was down while rows were written catches up from the slot") {
  constexpr int kCustomers = 200;
  constexpr int kVersions = 25;  // 5,000 rows in 50 transactions
  RelayFixture f;
  WalRelay wal(f);
  {
    // The first start creates the slot; from then on the slot keeps what is written.
    testing::ChildProcess relay(wal.command());
    REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
    CHECK(relay.stop(SIGTERM) == 0);
    CHECK(relay.output().find("created replication slot " + wal.slot()) != std::string::npos);
  }
  testing::insertInTransactions(f, kCustomers, kVersions, 100);
  const auto before = wal.confirmedLsn();

  testing::ChildProcess relay(wal.command(1000));
  const long long total = kCustomers * kVersions;
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(120)),
      relay.output());
  const auto messages = testing::readTopic(f.topics().crud, static_cast<std::size_t>(total),
                                           std::chrono::seconds(60));
  CHECK(static_cast<long long>(messages.size()) == total);  // no repeats without a failure
  testing::checkOrderPerCustomer(messages, kCustomers, kVersions);
  // The slot moved on: the server may forget what was delivered.
  CHECK(testing::waitUntil([&]() { return wal.confirmedLsn() != before; }));
  CHECK(relay.stop(SIGTERM) == 0);
}

TEST_CASE(
    "wal source: kill -9 mid-stream resumes from the confirmed position, duplicates only from the "
    "unconfirmed transactions") {
  constexpr int kCustomers = 400;
  constexpr int kVersions = 50;         // 20,000 rows
  constexpr int kPerTransaction = 100;  // and batches of 100: one transaction per batch
  constexpr std::int64_t kLockedRow = 50 * kPerTransaction + kPerTransaction / 2;  // transaction 51
  RelayFixture f;
  WalRelay wal(f);
  wal.createSlot();
  testing::insertInTransactions(f, kCustomers, kVersions, kPerTransaction);
  const long long total = kCustomers * kVersions;
  REQUIRE(f.unpublished() == total);

  const std::string relay_session =
      "FROM pg_stat_activity WHERE datname = current_database() AND application_name = "
      "'outbox-relay'";
  {
    // The relay confirms a transaction only once its rows are delivered and
    // marked; a row lock holds the mark of transaction 51, whose rows are in
    // Kafka by then. Meanwhile the next batch, transaction 52, is streamed and
    // delivered (MarkAhead), then the relay waits for 51's marks. The kill
    // lands there.
    pqxx::connection blocker(f.db().url());
    pqxx::work lock(blocker);
    lock.exec("SELECT id FROM outbox WHERE id = " + std::to_string(kLockedRow) + " FOR UPDATE");
    testing::ChildProcess relay(wal.command(kPerTransaction));
    REQUIRE_MESSAGE(testing::waitUntil(
                        [&]() {
                          return f.scalar("SELECT count(*) " + relay_session +
                                          " AND wait_event_type = 'Lock'") == 1;
                        },
                        std::chrono::seconds(60)),
                    relay.output());
    REQUIRE_MESSAGE(testing::waitUntil(
                        [&]() {
                          return testing::readTopic(f.topics().crud, 52 * kPerTransaction,
                                                    std::chrono::seconds(1),
                                                    std::chrono::milliseconds(0))
                                     .size() >= 52 * kPerTransaction;
                        },
                        std::chrono::seconds(60)),
                    relay.output());
    relay.signal(SIGKILL);
    REQUIRE(relay.waitExit() == 128 + SIGKILL);
    f.execute("SELECT pg_terminate_backend(pid) " + relay_session);
    REQUIRE(
        testing::waitUntil([&]() { return f.scalar("SELECT count(*) " + relay_session) == 0; }));
    lock.abort();
  }
  REQUIRE(f.unpublished() == total - 50 * kPerTransaction);

  testing::ChildProcess restarted(wal.command(kPerTransaction));
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(120)),
      restarted.output());
  const auto messages = testing::readTopic(f.topics().crud, static_cast<std::size_t>(total),
                                           std::chrono::seconds(120));
  std::map<std::pair<std::int64_t, int>, int> copies;
  for (const auto& m : messages) {
    const auto event = decodeEvent(m);
    ++copies[{event.customer, event.version}];
  }
  CHECK(static_cast<long long>(copies.size()) == total);  // nothing lost
  // Transactions 51 and 52 are version 13, customers 201..400: delivered
  // before the kill, unconfirmed, so streamed and published again. Nothing
  // else repeats.
  std::size_t duplicated = 0;
  for (const auto& [event, count] : copies) {
    if (count == 1) continue;
    CAPTURE(event.first);
    CAPTURE(event.second);
    ++duplicated;
    CHECK(count == 2);
    CHECK(event.second == 13);
    CHECK(event.first > 200);
  }
  CHECK(duplicated == static_cast<std::size_t>(2 * kPerTransaction));
  testing::checkOrderPerCustomer(messages, kCustomers, kVersions);
  CHECK(restarted.stop(SIGTERM) == 0);
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
