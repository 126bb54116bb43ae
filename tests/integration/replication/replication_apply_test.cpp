// The replicator in-process against the real broker and PostgreSQL: what it
// applies, what it skips, where it resumes, what it dead-letters.

#include <doctest/doctest.h>

#include <map>

#include "integration/replication/replication_fixture.hpp"

using testing::CrudEventType;
using testing::ReplicationFixture;
using testing::RunningReplicator;

TEST_CASE("inserts, updates and deletes are applied, a delete as a tombstone keeping its version") {
  ReplicationFixture f;
  f.produce(CrudEventType::kCreated, 1, 1);
  f.produce(CrudEventType::kUpdated, 1, 2);
  f.produce(CrudEventType::kCreated, 2, 1);
  f.produce(CrudEventType::kDeleted, 2, 2);
  auto tricky = testing::crudEvent(CrudEventType::kCreated, 3, 1);
  tricky.after_change->name = "O'Brien \"Bob\" \\ {x,y} NULL \xC3\xA9";
  f.produce(tricky);
  f.flush();
  const auto options = f.options();
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 5));
  CHECK(f.row(3)->name == tricky.after_change->name);

  const auto one = f.row(1);
  REQUIRE(one);
  CHECK(one->name == testing::customerState(1, 2).name);
  CHECK(one->version == 2);
  CHECK_FALSE(one->deleted);
  const auto two = f.row(2);
  REQUIRE(two);
  CHECK(two->deleted);
  CHECK(two->version == 2);
  REQUIRE(f.row(3));
  CHECK(f.row(3)->version == 1);
  CHECK(f.scalar("SELECT count(*) FROM customers") == 3);
  // Every field arrived as sent.
  CHECK(f.text("SELECT phone || '|' || email || '|' || updated_by || '|' || "
               "to_char(updated_on AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
               "FROM customers WHERE id = 1") ==
        "555 1001|c1@example.com|editor|" +
            core::domain::formatIso8601(testing::customerState(1, 2).updated_on).substr(0, 26));
  const auto stats = worker.replicator.stats();
  CHECK(stats.applied + stats.superseded == 5);
  CHECK(stats.stale == 0);
  CHECK(stats.dead_lettered == 0);
}

TEST_CASE(
    "out-of-order and stale events: the newest version wins and a deleted customer stays deleted") {
  ReplicationFixture f;
  // Customer 10: v3 arrives first, then the older v1 and v2.
  f.produce(CrudEventType::kUpdated, 10, 3);
  f.produce(CrudEventType::kCreated, 10, 1);
  f.produce(CrudEventType::kUpdated, 10, 2);
  // Customer 11: created, deleted at v3, then a late v2 update.
  f.produce(CrudEventType::kCreated, 11, 1);
  f.produce(CrudEventType::kDeleted, 11, 3);
  f.produce(CrudEventType::kUpdated, 11, 2);
  // Customer 12: a delete for a customer the replica never saw.
  f.produce(CrudEventType::kDeleted, 12, 4);
  f.produce(CrudEventType::kUpdated, 12, 3);
  f.flush();
  auto options = f.options();
  options.batch_size = 1;  // one event per transaction: the version guard in SQL decides
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 8));

  CHECK(f.row(10)->version == 3);
  CHECK(f.row(10)->name == testing::customerState(10, 3).name);
  CHECK_FALSE(f.row(10)->deleted);
  CHECK(f.row(11)->deleted);
  CHECK(f.row(11)->version == 3);
  CHECK(f.row(12)->deleted);
  CHECK(f.row(12)->version == 4);
  const auto stats = worker.replicator.stats();
  CHECK(stats.applied == 4);
  CHECK(stats.stale == 4);
  CHECK(stats.superseded == 0);
  CHECK(f.scalar("SELECT sum(apply_count) FROM customers") == 4);
}

TEST_CASE("the same stale events within one batch are collapsed and the replica keeps the newest") {
  ReplicationFixture f;
  f.produce(CrudEventType::kCreated, 20, 1);
  f.produce(CrudEventType::kDeleted, 20, 3);
  f.produce(CrudEventType::kUpdated, 20, 2);
  f.produce(CrudEventType::kUpdated, 20, 2);  // a duplicate
  f.flush();
  auto options = f.options();
  options.batch_size = 100;
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 4));
  CHECK(f.row(20)->deleted);
  CHECK(f.row(20)->version == 3);
  const auto stats = worker.replicator.stats();
  CHECK(stats.applied + stats.stale + stats.superseded == 4);
}

TEST_CASE("redelivery to a new consumer group leaves the replica unchanged and counts the skips") {
  ReplicationFixture f;
  for (int id = 1; id <= 20; ++id) f.produce(CrudEventType::kCreated, id, 1);
  for (int id = 1; id <= 20; id += 2) f.produce(CrudEventType::kUpdated, id, 2);
  f.produce(CrudEventType::kDeleted, 4, 2);
  f.flush();
  const std::int64_t total = 31;
  const auto first_options = f.options();
  {
    RunningReplicator first(first_options);
    REQUIRE(f.waitForStoredOffset(first_options.group_id, total));
  }
  const auto before = f.replicaFingerprint();
  const auto applied_before = f.scalar("SELECT sum(apply_count) FROM customers");

  // A new group has no stored offset: it reads the topic from the beginning.
  const auto again_options = f.options();
  RunningReplicator again(again_options);
  REQUIRE(f.waitForStoredOffset(again_options.group_id, total));
  CHECK(f.replicaFingerprint() == before);
  CHECK(f.scalar("SELECT sum(apply_count) FROM customers") == applied_before);
  const auto stats = again.replicator.stats();
  CHECK(stats.applied == 0);
  CHECK(stats.stale + stats.superseded == static_cast<std::uint64_t>(total));
  CHECK(stats.stale >= 20);  // at least one per customer
}

TEST_CASE(
    "a restarted worker resumes at the offsets stored in the replica, so no event applies twice") {
  ReplicationFixture f;
  const int customers = 30;
  for (int id = 1; id <= customers; ++id) f.produce(CrudEventType::kCreated, id, 1);
  f.flush();
  const auto options = f.options();
  {
    RunningReplicator first(options);
    REQUIRE(f.waitForStoredOffset(options.group_id, customers));
    CHECK(first.replicator.stats().applied == static_cast<std::uint64_t>(customers));
  }
  // Kafka's committed offset for the group says 30; make the replica say 28 as
  // if the last two events had not been recorded: the restart must follow the
  // replica, re-reading exactly those two (and skipping them: stale, or
  // superseded by their customers' v2 in the same batch).
  f.exec("UPDATE consumer_offsets SET next_offset = 28 WHERE consumer_group = '" +
         options.group_id + "'");
  for (int id = 1; id <= customers; ++id) f.produce(CrudEventType::kUpdated, id, 2);
  f.flush();
  RunningReplicator second(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 2 * customers));
  const auto stats = second.replicator.stats();
  CHECK(stats.stale + stats.superseded == 2);
  CHECK(stats.applied == static_cast<std::uint64_t>(customers));
  // Every row: created once, updated once.
  CHECK(f.scalar("SELECT count(*) FROM customers WHERE apply_count = 2 AND version = 2") ==
        customers);
  CHECK(f.scalar("SELECT count(*) FROM customers") == customers);
}

TEST_CASE(
    "malformed and unknown-schema events are dead-lettered with their offset and the worker goes "
    "on") {
  ReplicationFixture f;
  f.produce(CrudEventType::kCreated, 1, 1);                         // offset 0
  f.produceRaw("2", "{this is not JSON");                           // offset 1
  auto future = testing::crudEvent(CrudEventType::kCreated, 3, 1);  // offset 2
  auto text = core::json::encodeCrudEvent(future);
  text.replace(text.find("\"schema_version\":1"), 18, "\"schema_version\":9");
  f.produceRaw("3", text);
  auto unknown = core::json::encodeCrudEvent(testing::crudEvent(CrudEventType::kCreated, 4, 1));
  unknown.replace(unknown.find("\"app_event_type\":100"), 20, "\"app_event_type\":999");
  f.produceRaw("4", unknown);                             // offset 3
  f.produceRaw("5", R"({"schema_version":1,"id":"x"})");  // offset 4: fields missing
  f.produce(CrudEventType::kCreated, 6, 1);               // offset 5
  f.flush();
  const auto options = f.options();
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 6));
  CHECK(f.row(1));
  CHECK(f.row(6));
  CHECK_FALSE(f.row(2));
  CHECK_FALSE(f.row(3));
  CHECK_FALSE(f.row(4));
  CHECK(worker.replicator.stats().dead_lettered == 4);

  const auto letters = testing::readTopic(f.dlq(), 4);
  REQUIRE(letters.size() == 4);
  std::map<std::string, std::string> errors_by_offset;
  for (const auto& letter : letters) {
    std::map<std::string, std::string> headers(letter.headers.begin(), letter.headers.end());
    CHECK(headers["dlq.source.topic"] == f.topic());
    CHECK(headers["dlq.consumer.group"] == options.group_id);
    errors_by_offset[headers["dlq.source.offset"]] = headers["dlq.error"];
    if (headers["dlq.source.offset"] == "1") {
      CHECK(letter.payload == "{this is not JSON");
      CHECK(letter.key == "2");
    }
  }
  REQUIRE(errors_by_offset.size() == 4);
  CHECK(errors_by_offset["1"].find("invalid JSON") != std::string::npos);
  CHECK(errors_by_offset["2"].find("schema_version") != std::string::npos);
  CHECK(errors_by_offset["3"].find("app_event_type") != std::string::npos);
  CHECK(errors_by_offset["4"].find("is required") != std::string::npos);

  // And it keeps going with what comes next.
  f.produce(CrudEventType::kUpdated, 6, 2);
  f.flush();
  REQUIRE(f.waitForStoredOffset(options.group_id, 7));
  CHECK(f.row(6)->version == 2);
}

TEST_CASE("a lost replica session is reopened and replication goes on") {
  ReplicationFixture f;
  f.produce(CrudEventType::kCreated, 1, 1);
  f.flush();
  const auto options = f.options();
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 1));
  // Kill the worker's sessions (only this test's database).
  f.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND application_name = 'replication-worker'");
  f.produce(CrudEventType::kUpdated, 1, 2);
  f.produce(CrudEventType::kCreated, 2, 1);
  f.flush();
  REQUIRE(f.waitForStoredOffset(options.group_id, 3));
  CHECK(f.row(1)->version == 2);
  CHECK(f.row(1)->apply_count == 2);
  CHECK(f.row(2));
  CHECK(testing::waitUntil([&]() { return worker.replicator.problem().empty(); }));
}
