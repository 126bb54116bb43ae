#include "outbox/wal_batch.hpp"

#include <doctest/doctest.h>

using outbox::WalBatch;
using outbox::WalTransaction;

namespace {

WalTransaction transaction(std::uint64_t end_lsn, std::initializer_list<std::int64_t> ids) {
  WalTransaction t;
  t.end_lsn = end_lsn;
  for (const auto id : ids) {
    core::db::OutboxRow row;
    row.id = id;
    t.rows.push_back(row);
  }
  return t;
}

// Three transactions: rows 7 and 8 (ends at 0x100), row 3 (0x200), rows 9..11 (0x300).
WalBatch threeTransactions() {
  WalBatch batch;
  batch.add(transaction(0x100, {7, 8}));
  batch.add(transaction(0x200, {3}));
  batch.add(transaction(0x300, {9, 10, 11}));
  return batch;
}

}  // namespace

TEST_CASE("wal batch: rows keep the commit order of their transactions") {
  const auto batch = threeTransactions();
  std::vector<std::int64_t> ids;
  for (const auto& row : batch.rows) ids.push_back(row.id);
  CHECK(ids == std::vector<std::int64_t>{7, 8, 3, 9, 10, 11});
  REQUIRE(batch.ends.size() == 3);
  CHECK(batch.ends[1].rows == 3);
}

TEST_CASE("wal batch: the slot is confirmed only past transactions delivered whole") {
  const auto batch = threeTransactions();
  CHECK_FALSE(outbox::confirmableLsn(batch, 0));
  CHECK_FALSE(outbox::confirmableLsn(batch, 1));  // row 8 of the first one is missing
  CHECK(outbox::confirmableLsn(batch, 2) == 0x100ULL);
  CHECK(outbox::confirmableLsn(batch, 3) == 0x200ULL);
  CHECK(outbox::confirmableLsn(batch, 5) == 0x200ULL);  // row 11 is missing
  CHECK(outbox::confirmableLsn(batch, 6) == 0x300ULL);
}

TEST_CASE("wal batch: a transaction without outbox rows is confirmed with what precedes it") {
  WalBatch batch;
  batch.add(transaction(0x100, {1}));
  batch.add(transaction(0x180, {}));
  CHECK(outbox::confirmableLsn(batch, 0) == std::nullopt);
  CHECK(outbox::confirmableLsn(batch, 1) == 0x180ULL);
  CHECK(WalBatch{}.empty());
  CHECK_FALSE(batch.empty());
}
