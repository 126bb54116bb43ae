// kill -9 of the real relay in the middle of a large backlog, then a restart:
// nothing committed is lost, per-customer order holds, and the only messages
// Kafka holds twice are rows that were not yet marked published at the kill
// (the batch in flight), which is what at-least-once allows and no more.
//
// To kill at the worst moment every time, not by luck: the test holds a row
// lock on one row of batch 51, so the relay publishes batch 51 (all delivery
// reports in) and then waits in its mark-published UPDATE. The kill lands
// there. The server does not notice a dead client while a statement waits for
// a lock, so the test ends that backend (as TCP keepalive or
// client_connection_check_interval would) before it lets the lock go: the mark
// never commits, and the restart must publish batch 51 again.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <map>
#include <set>

#include "integration/relay/relay_fixture.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;

namespace {

constexpr int kCustomers = 400;
constexpr int kVersions = 50;  // 20,000 rows
constexpr int kBatch = 100;
constexpr std::int64_t kLockedRow = 50 * kBatch + kBatch / 2;  // in batch 51

struct Message {
  std::int64_t customer = 0;
  int version = 0;
};

Message decode(const core::kafka::ConsumedMessage& m) {
  rapidjson::Document doc;
  doc.Parse(m.payload.c_str());
  REQUIRE_MESSAGE((!doc.HasParseError() && doc.IsObject()), m.payload);
  return {doc["aggregate_id"].GetInt64(), doc["version"].GetInt()};
}

std::vector<std::string> relayArgs(const RelayFixture& f, bool once) {
  auto argv = f.relayCommand({"--batch-size", std::to_string(kBatch)});
  if (once) argv.push_back("--once");
  return argv;
}

}  // namespace

TEST_CASE(
    "kill -9 mid-drain and restart: every row in Kafka at least once, in order, duplicates only "
    "from the "
    "unmarked batch") {
  RelayFixture f;
  // Versions 1..50 of 400 customers, interleaved so that every batch spans many customers.
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, "
      "payload) SELECT '" +
      f.topics().crud +
      "', c::text, 'customer', c, v, 'customer.updated', "
      "jsonb_build_object('aggregate_id', c, 'version', v) "
      "FROM generate_series(1, " +
      std::to_string(kVersions) + ") AS gv(v), generate_series(1, " + std::to_string(kCustomers) +
      ") AS gc(c) ORDER BY gv.v, gc.c");
  const long long total = kCustomers * kVersions;
  REQUIRE(f.unpublished() == total);
  // ids follow (version, customer): per customer, a higher version has a higher id.
  REQUIRE(f.scalar("SELECT count(*) FROM outbox a JOIN outbox b ON a.aggregate_id = b.aggregate_id "
                   "AND a.aggregate_version < b.aggregate_version AND a.id > b.id") == 0);

  const std::string relay_session =
      "FROM pg_stat_activity WHERE datname = current_database() AND application_name = "
      "'outbox-relay'";
  {
    pqxx::connection blocker(f.db().url());
    pqxx::work lock(blocker);
    lock.exec("SELECT id FROM outbox WHERE id = " + std::to_string(kLockedRow) + " FOR UPDATE");

    testing::ChildProcess relay(relayArgs(f, false));
    // Batches 1..50 are marked; batch 51 is in Kafka and its mark waits for the lock.
    REQUIRE_MESSAGE(testing::waitUntil(
                        [&]() {
                          return f.scalar("SELECT count(*) " + relay_session +
                                          " AND wait_event_type = 'Lock'") == 1;
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
  std::set<std::int64_t> marked;
  {
    pqxx::connection c(f.db().url());
    pqxx::nontransaction tx(c);
    for (const auto& r : tx.exec("SELECT id FROM outbox WHERE published_at IS NOT NULL")) {
      marked.insert(r[0].as<std::int64_t>());
    }
  }
  INFO("marked before the kill: " << marked.size());
  REQUIRE(static_cast<long long>(marked.size()) == 50 * kBatch);  // mid-drain: batches 1..50
  // Marks cover a prefix of the ids: batches go in id order and each marks the
  // persisted prefix of itself, so nothing after an unmarked row is marked.
  CHECK(*marked.begin() == 1);
  CHECK(*marked.rbegin() == static_cast<std::int64_t>(marked.size()));
  const std::int64_t last_marked = *marked.rbegin();

  testing::ChildProcess restarted(relayArgs(f, true));
  const auto exit = restarted.waitExit(std::chrono::seconds(120));
  REQUIRE_MESSAGE(exit == 0, restarted.output());
  CHECK(f.unpublished() == 0);  // every row ends marked

  std::map<std::pair<std::int64_t, int>, std::int64_t> id_of;  // (customer, version) -> outbox id
  {
    pqxx::connection c(f.db().url());
    pqxx::nontransaction tx(c);
    for (const auto& r : tx.exec("SELECT aggregate_id, aggregate_version, id FROM outbox")) {
      id_of[{r[0].as<std::int64_t>(), r[1].as<int>()}] = r[2].as<std::int64_t>();
    }
  }
  const auto messages = testing::readTopic(f.topics().crud, static_cast<std::size_t>(total),
                                           std::chrono::seconds(180));
  REQUIRE(static_cast<long long>(messages.size()) >= total);

  std::map<std::int64_t, int> copies;                          // outbox id -> messages
  std::map<std::int64_t, std::vector<int>> versions_in_order;  // customer -> versions, topic order
  for (const auto& m : messages) {
    const auto message = decode(m);
    REQUIRE(m.key == std::to_string(message.customer));
    const auto it = id_of.find({message.customer, message.version});
    REQUIRE(it != id_of.end());
    ++copies[it->second];
    versions_in_order[message.customer].push_back(message.version);
  }

  // Every committed row is in Kafka at least once.
  CHECK(static_cast<long long>(copies.size()) == total);
  // A duplicate is a row that was not marked before the kill, from the batch
  // in flight: above the marked prefix and within one batch of it, twice at most.
  std::size_t duplicated = 0;
  for (const auto& [id, count] : copies) {
    if (count == 1) continue;
    CAPTURE(id);
    CAPTURE(count);
    ++duplicated;
    CHECK(marked.count(id) == 0);
    CHECK(id > last_marked);
    CHECK(id <= last_marked + kBatch);
    CHECK(count == 2);
  }
  // Batch 51 was delivered in full before the kill, so it is all there twice.
  CHECK(duplicated == static_cast<std::size_t>(kBatch));
  CHECK(messages.size() == static_cast<std::size_t>(total) + duplicated);

  // Per customer, after dropping repeats of versions already seen, versions
  // arrive strictly increasing and complete.
  REQUIRE(versions_in_order.size() == static_cast<std::size_t>(kCustomers));
  for (const auto& [customer, versions] : versions_in_order) {
    CAPTURE(customer);
    std::vector<int> first_seen;
    std::set<int> seen;
    for (const int v : versions) {
      if (seen.insert(v).second) {
        first_seen.push_back(v);
      } else {
        // A repeat re-sends a row of the interrupted batch.
        CHECK(marked.count(id_of.at({customer, v})) == 0);
      }
    }
    bool increasing = true;
    for (std::size_t i = 1; i < first_seen.size(); ++i)
      increasing = increasing && first_seen[i] > first_seen[i - 1];
    CHECK(increasing);
    CHECK(first_seen.size() == static_cast<std::size_t>(kVersions));
  }
}
