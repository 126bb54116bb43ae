// outbox-relay with each source (--source poll and --source wal, one test
// body each): a transaction that took the lower id but committed last is
// published (by wal in commit order), and of two relays exactly one
// publishes while the other stands by and takes over from a kill -9 or a
// stop.

#include <doctest/doctest.h>

#include <csignal>
#include <memory>

#include "integration/relay/relay_source.hpp"
#include "support/http_client.hpp"

using testing::decodeEvent;
using testing::RelayFixture;
using testing::SourceRelay;

namespace {

// A CRUD row of `customer`, version 1, inserted in `tx`; its outbox id.
std::int64_t insertRow(pqxx::work& tx, const RelayFixture& f, int customer) {
  const auto c = std::to_string(customer);
  return tx
      .exec1(
          "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, "
          "aggregate_version, event_type, payload) VALUES ('" +
          f.topics().crud + "', '" + c + "', 'customer', " + c +
          ", 1, 'customer.created', jsonb_build_object('aggregate_id', " + c +
          ", 'version', 1)) RETURNING id")[0]
      .as<std::int64_t>();
}

std::vector<std::int64_t> customers(const std::vector<core::kafka::ConsumedMessage>& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) out.push_back(decodeEvent(m).customer);
  return out;
}

}  // namespace

TEST_CASE(
    "both sources: a transaction with a lower id that commits after a higher one is published, "
    "with --source wal in commit order") {
  const auto source = testing::eachSource();
  RelayFixture f;
  SourceRelay relay_of(f, source);
  relay_of.prepare();
  pqxx::connection first_connection(f.db().url());
  pqxx::connection second_connection(f.db().url());

  // While no relay runs: customer 1 takes the lower id, 2 the higher, and 2 commits first.
  {
    pqxx::work first(first_connection);
    const auto lower = insertRow(first, f, 1);
    pqxx::work second(second_connection);
    CHECK(insertRow(second, f, 2) > lower);
    second.commit();
    first.commit();
  }
  testing::ChildProcess relay(relay_of.command());
  REQUIRE_MESSAGE(relay_of.waitLeading(relay), relay.output());
  const auto backlog = testing::readTopic(f.topics().crud, 2, std::chrono::seconds(30),
                                          std::chrono::milliseconds(0));
  REQUIRE_MESSAGE(backlog.size() == 2, relay.output());
  // Polling reads by id; the slot streams transactions as they committed.
  if (relay_of.wal()) CHECK(customers(backlog) == std::vector<std::int64_t>{2, 1});

  // While the relay runs: 3 takes the lower id and stays open, 4 commits and goes out first.
  pqxx::work third(first_connection);
  insertRow(third, f, 3);
  {
    pqxx::work fourth(second_connection);
    insertRow(fourth, f, 4);
    fourth.commit();
  }
  const auto early = testing::readTopic(f.topics().crud, 3, std::chrono::seconds(30),
                                        std::chrono::milliseconds(0));
  REQUIRE_MESSAGE(early.size() == 3, relay.output());
  CHECK(decodeEvent(early[2]).customer == 4);
  third.commit();  // now 3 is visible, behind a row already published

  const auto all = testing::readTopic(f.topics().crud, 4, std::chrono::seconds(30));
  REQUIRE_MESSAGE(all.size() == 4, relay.output());  // and nothing twice
  CHECK(decodeEvent(all[3]).customer == 3);
  // Every row is marked with where it went: the outbox stays the archive.
  CHECK(testing::waitUntil([&]() { return f.unpublished() == 0; }));
  CHECK(f.scalar("SELECT count(*) FROM outbox WHERE kafka_offset IS NULL") == 0);
  CHECK(relay.stop(SIGTERM) == 0);
}

TEST_CASE(
    "both sources: of two relays exactly one publishes, and the other takes over when it is "
    "killed with -9 or stopped") {
  const auto source = testing::eachSource();
  RelayFixture f;
  SourceRelay relay_of(f, source);
  relay_of.prepare();
  const std::vector<std::string> quick_standby = {"--standby-interval-ms", "200"};
  auto leader = std::make_unique<testing::ChildProcess>(relay_of.command(100, quick_standby));
  REQUIRE_MESSAGE(relay_of.waitLeading(*leader), leader->output());
  const auto port = testing::freePort();
  testing::ChildProcess standby(relay_of.commandWithStatus(port, quick_standby));
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return standby.output().find("standby") != std::string::npos; }),
      standby.output());
  // A healthy standby is ready: it is one failover away from publishing.
  testing::HttpClient status("http://127.0.0.1:" + std::to_string(port));
  CHECK(testing::waitUntil([&]() { return status.get("/readyz").status == 200; }));

  f.createCustomer(1);
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), leader->output());
  CHECK(testing::readTopic(f.topics().crud, 1).size() == 1);  // the linger catches a second copy
  CHECK(standby.output().find(relay_of.leaderLogLine()) == std::string::npos);

  leader->signal(SIGKILL);
  REQUIRE(leader->waitExit() == 128 + SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  f.createCustomer(2);
  const auto messages = testing::readTopic(f.topics().crud, 2, std::chrono::seconds(60),
                                           std::chrono::milliseconds(0));
  const auto failover = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed);
  REQUIRE_MESSAGE(messages.size() == 2, standby.output());
  CHECK(standby.output().find(relay_of.leaderLogLine()) != std::string::npos);
  MESSAGE("--source " << std::string(relay_of.wal() ? "wal" : "poll")
                      << " failover (kill -9 of the leader to the next row in Kafka, standby "
                         "interval 200 ms): "
                      << failover.count() << " s");
  CHECK(failover.count() < 30);
  CHECK(testing::waitUntil([&]() { return f.unpublished() == 0; }));
  CHECK(testing::readTopic(f.topics().crud, 2).size() == 2);  // each once

  // A leader that stops (SIGTERM) hands over as well.
  testing::ChildProcess third(relay_of.command(100, quick_standby));
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return third.output().find("standby") != std::string::npos; }),
      third.output());
  CHECK(standby.stop(SIGTERM) == 0);
  f.createCustomer(3);
  CHECK_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), third.output());
  CHECK(third.output().find(relay_of.leaderLogLine()) != std::string::npos);
  CHECK(testing::readTopic(f.topics().crud, 3).size() == 3);
  CHECK(third.stop(SIGTERM) == 0);
}
