// WalSource::readAhead against the real PostgreSQL 15: what the relay takes
// in while it waits for the broker or for the marks (without it, a Unix
// socket's buffer stops the walsender after ~100 rows) is handed out first
// by the next read, whole transactions in commit order, up to the limit; a
// closed stream forgets it, and the server sends it again from the confirmed
// position.

#include <doctest/doctest.h>

#include "integration/relay/wal_fixture.hpp"
#include "outbox/wal_source.hpp"

using testing::RelayFixture;
using testing::WalRelay;

namespace {

// One transaction: customers 1 and 2 at `version`.
void insertTransaction(const RelayFixture& f, int version) {
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, payload) SELECT '" +
      f.topics().crud + "', c::text, 'customer', c, " + std::to_string(version) +
      ", 'customer.updated', '{}' FROM generate_series(1, 2) AS c");
}

std::vector<int> versionsOf(const outbox::WalBatch& batch) {
  std::vector<int> versions;
  for (const auto& row : batch.rows) versions.push_back(row.aggregate_version);
  return versions;
}

}  // namespace

TEST_CASE("wal read-ahead: transactions taken in while waiting come first from the next read") {
  RelayFixture f;
  WalRelay wal(f);
  wal.createSlot();
  outbox::WalSource source({f.relayOptions().database_url, wal.slot(), "outbox_inserts"});
  REQUIRE(source.open().ok());
  for (int version = 1; version <= 3; ++version) insertTransaction(f, version);

  // At least 3 rows ahead: whole transactions, so the first two (4 rows), not the third.
  REQUIRE(testing::waitUntil([&]() {
    REQUIRE(source.readAhead(3).ok());
    return source.rowsAhead() >= 3;
  }));
  CHECK(source.rowsAhead() == 4);
  auto first = source.read(2, std::chrono::milliseconds(0));
  REQUIRE(first.ok());
  CHECK(versionsOf(*first) == std::vector<int>{1, 1, 2, 2});
  CHECK(first->ends.size() == 2);
  CHECK(source.rowsAhead() == 0);
  auto second = source.read(100, std::chrono::seconds(5));
  REQUIRE(second.ok());
  CHECK(versionsOf(*second) == std::vector<int>{3, 3});

  // Nothing was confirmed: what a closed stream had read ahead is dropped,
  // and a new stream starts again with the first transaction.
  insertTransaction(f, 4);
  REQUIRE(testing::waitUntil([&]() {
    REQUIRE(source.readAhead(100).ok());
    return source.rowsAhead() == 2;
  }));
  source.close();
  CHECK(source.rowsAhead() == 0);
  REQUIRE(source.open().ok());
  std::vector<int> again;
  REQUIRE(testing::waitUntil([&]() {
    auto batch = source.read(100, std::chrono::milliseconds(200));
    REQUIRE(batch.ok());
    const auto versions = versionsOf(*batch);
    again.insert(again.end(), versions.begin(), versions.end());
    return again.size() >= 8;
  }));
  CHECK(again == std::vector<int>{1, 1, 2, 2, 3, 3, 4, 4});
}
