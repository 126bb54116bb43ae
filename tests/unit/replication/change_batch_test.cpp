#include <doctest/doctest.h>

#include "workers/replication/change_batch.hpp"

namespace {

replication::ReplicaChange change(std::int64_t id, std::int32_t version, std::int64_t offset) {
  replication::ReplicaChange c;
  c.row.id = id;
  c.row.version = version;
  c.offset = offset;
  c.event_id = "e" + std::to_string(offset);
  return c;
}

}  // namespace

TEST_CASE("collapsing keeps the newest version per customer, in first-seen order") {
  auto collapsed = replication::collapseChanges(
      {change(1, 1, 10), change(2, 1, 11), change(1, 3, 12), change(1, 2, 13), change(3, 7, 14)});
  REQUIRE(collapsed.newest.size() == 3);
  CHECK(collapsed.newest[0].row.id == 1);
  CHECK(collapsed.newest[0].row.version == 3);
  CHECK(collapsed.newest[0].offset == 12);
  CHECK(collapsed.newest[1].row.id == 2);
  CHECK(collapsed.newest[2].row.id == 3);
  CHECK(collapsed.superseded == 2);
}

TEST_CASE("collapsing a redelivered duplicate keeps the first copy and counts the other") {
  auto collapsed = replication::collapseChanges({change(5, 2, 20), change(5, 2, 21)});
  REQUIRE(collapsed.newest.size() == 1);
  CHECK(collapsed.newest[0].offset == 20);
  CHECK(collapsed.superseded == 1);
}

TEST_CASE("collapsing records each customer's oldest version and the gaps inside the batch") {
  auto collapsed = replication::collapseChanges(
      {change(1, 2, 10), change(2, 5, 11), change(1, 4, 12), change(3, 1, 13), change(3, 2, 14),
       change(3, 2, 15), change(1, 3, 16), change(4, 3, 17), change(4, 9, 18)});
  REQUIRE(collapsed.newest.size() == 4);
  CHECK(collapsed.oldest_version == std::vector<std::int32_t>{2, 5, 1, 3});
  // 1: v2, v4, v3 (contiguous); 2: alone; 3: v1, v2, v2 (a duplicate is no gap); 4: v3, v9.
  CHECK(collapsed.gap_inside == std::vector<bool>{false, false, false, true});
}

TEST_CASE("collapsing nothing gives nothing") {
  auto collapsed = replication::collapseChanges({});
  CHECK(collapsed.newest.empty());
  CHECK(collapsed.superseded == 0);
}

TEST_CASE("next offsets are the highest offset + 1 per partition, sorted") {
  const auto next = replication::nextOffsets(
      {{"t", 1, 40}, {"t", 0, 7}, {"t", 1, 42}, {"t", 0, 5}, {"t", 1, 41}});
  REQUIRE(next.size() == 2);
  CHECK(next[0] == core::kafka::PartitionOffset{"t", 0, 8});
  CHECK(next[1] == core::kafka::PartitionOffset{"t", 1, 43});
}
