// kill -9 of the real relay, with each source, in the middle of a large
// backlog, then a restart: nothing committed is lost, per-customer order
// holds, and the only messages Kafka holds twice are the rows of the batch
// in flight at the kill (not marked, and for wal not confirmed to the slot),
// which is what at-least-once allows and no more.
//
// To kill at the worst moment every time, not by luck: the rows are written
// one transaction per 100 (so that a batch of 100 is one transaction in both
// sources), and the test holds a row lock on one row of batch 51. The relay
// publishes batch 51 (all delivery reports in) and then waits in its
// mark-published UPDATE. With --source wal the marks are written on a second
// session while the next batch streams (MarkAhead), so batch 52 is delivered
// too before the relay waits for 51's marks. The kill lands there. The
// server does not notice a dead client while a statement waits for a lock,
// so the test ends that backend (as TCP keepalive or
// client_connection_check_interval would) before it lets the lock go: the
// mark never commits, nor does the slot move past batch 50, and the restart
// must publish the batches in flight again.

#include <doctest/doctest.h>

#include <csignal>
#include <map>
#include <set>

#include "integration/relay/relay_source.hpp"

using testing::RelayFixture;
using testing::SourceRelay;

namespace {

constexpr int kCustomers = 400;
constexpr int kVersions = 50;  // 20,000 rows
constexpr int kBatch = 100;
constexpr std::int64_t kLockedRow = 50 * kBatch + kBatch / 2;  // in batch 51

std::set<std::int64_t> markedIds(const RelayFixture& f) {
  pqxx::connection c(f.db().url());
  pqxx::nontransaction tx(c);
  std::set<std::int64_t> out;
  for (const auto& r : tx.exec("SELECT id FROM outbox WHERE published_at IS NOT NULL")) {
    out.insert(r[0].as<std::int64_t>());
  }
  return out;
}

// (customer, version) -> outbox id
std::map<std::pair<std::int64_t, int>, std::int64_t> idsByEvent(const RelayFixture& f) {
  pqxx::connection c(f.db().url());
  pqxx::nontransaction tx(c);
  std::map<std::pair<std::int64_t, int>, std::int64_t> out;
  for (const auto& r : tx.exec("SELECT aggregate_id, aggregate_version, id FROM outbox")) {
    out[{r[0].as<std::int64_t>(), r[1].as<int>()}] = r[2].as<std::int64_t>();
  }
  return out;
}

}  // namespace

TEST_CASE(
    "both sources: kill -9 mid-drain and restart: every row in Kafka at least once, in order, "
    "duplicates only from the batches in flight, unmarked and unconfirmed") {
  const auto source = testing::eachSource();
  RelayFixture f;
  SourceRelay relay_of(f, source);
  relay_of.prepare();
  // Versions 1..50 of 400 customers, interleaved so that every batch spans many customers.
  testing::insertInTransactions(f, kCustomers, kVersions, kBatch);
  const long long total = kCustomers * kVersions;
  REQUIRE(f.unpublished() == total);
  // ids follow (version, customer): per customer, a higher version has a higher id.
  REQUIRE(f.scalar("SELECT count(*) FROM outbox a JOIN outbox b ON a.aggregate_id = b.aggregate_id "
                   "AND a.aggregate_version < b.aggregate_version AND a.id > b.id") == 0);

  // Delivered but neither marked nor confirmed at the kill: batch 51, and for wal 52.
  const int in_flight = relay_of.wal() ? 2 : 1;
  const std::string relay_session =
      "FROM pg_stat_activity WHERE datname = current_database() AND application_name = "
      "'outbox-relay'";
  {
    pqxx::connection blocker(f.db().url());
    pqxx::work lock(blocker);
    lock.exec("SELECT id FROM outbox WHERE id = " + std::to_string(kLockedRow) + " FOR UPDATE");

    testing::ChildProcess relay(relay_of.command(kBatch));
    // Batches 1..50 are marked; batch 51 is in Kafka and its mark waits for the lock.
    REQUIRE_MESSAGE(testing::waitUntil(
                        [&]() {
                          return f.scalar("SELECT count(*) " + relay_session +
                                          " AND wait_event_type = 'Lock'") == 1;
                        },
                        std::chrono::seconds(60)),
                    relay.output());
    const auto delivered = static_cast<std::size_t>((50 + in_flight) * kBatch);
    REQUIRE_MESSAGE(testing::waitUntil(
                        [&]() {
                          return testing::readTopic(f.topics().crud, delivered,
                                                    std::chrono::seconds(1),
                                                    std::chrono::milliseconds(0))
                                     .size() >= delivered;
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
  // Marks cover a prefix of the ids, batches 1..50: each batch marks the
  // persisted prefix of itself, so nothing after an unmarked row is marked.
  const auto marked = markedIds(f);
  REQUIRE(static_cast<long long>(marked.size()) == 50 * kBatch);
  CHECK(*marked.begin() == 1);
  CHECK(*marked.rbegin() == 50 * kBatch);
  const std::int64_t last_marked = *marked.rbegin();

  testing::ChildProcess restarted(relay_of.command(kBatch));
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(120)),
      restarted.output());  // every row ends marked
  CHECK(restarted.stop(SIGTERM) == 0);

  const auto id_of = idsByEvent(f);
  const auto messages = testing::readTopic(f.topics().crud, static_cast<std::size_t>(total),
                                           std::chrono::seconds(180));
  std::map<std::int64_t, int> copies;  // outbox id -> messages
  for (const auto& m : messages) {
    const auto event = testing::decodeEvent(m);
    const auto it = id_of.find({event.customer, event.version});
    REQUIRE(it != id_of.end());
    ++copies[it->second];
  }
  CHECK(static_cast<long long>(copies.size()) == total);  // nothing lost
  // A duplicate is a row of a batch in flight: above the marked prefix,
  // within the batches in flight, twice at most.
  std::size_t duplicated = 0;
  for (const auto& [id, count] : copies) {
    if (count == 1) continue;
    CAPTURE(id);
    CAPTURE(count);
    ++duplicated;
    CHECK(id > last_marked);
    CHECK(id <= last_marked + in_flight * kBatch);
    CHECK(count == 2);
  }
  // The batches in flight were delivered in full before the kill, so they are all there twice.
  CHECK(duplicated == static_cast<std::size_t>(in_flight * kBatch));
  CHECK(messages.size() == static_cast<std::size_t>(total) + duplicated);
  testing::checkOrderPerCustomer(messages, kCustomers, kVersions);
}
