// The two guarantees the exactly-once effect rests on, tested where they are
// kept (ReplicaStore::apply) and through the replicator:
// - the fence: a worker that no longer owns a partition writes nothing;
// - atomicity: a batch's rows and its stored offsets commit together.

#include <doctest/doctest.h>

#include "integration/replication/replication_fixture.hpp"
#include "workers/replication/replica_store.hpp"

using testing::CrudEventType;
using testing::ReplicationFixture;
using testing::RunningReplicator;

namespace {

const std::string kGroup = "fence-group";
const std::string kTopic = "fence-topic";

replication::ReplicaChange change(std::int64_t id, std::int32_t version, std::int64_t offset) {
  replication::ReplicaChange c;
  c.row = testing::customerState(id, version);
  c.type = version == 1 ? CrudEventType::kCreated : CrudEventType::kUpdated;
  c.event_id = core::domain::newUuid();
  c.outbox_id = id * 1000 + version;
  c.event_ts = core::domain::Timestamp::now();
  c.offset = offset;
  return c;
}

// A batch of partition 0 that ends before `next_offset`, written by a worker
// that believes the stored offset is `expected`.
replication::ApplyRequest batch(const std::vector<replication::ReplicaChange>& changes,
                                std::int64_t next_offset, std::optional<std::int64_t> expected) {
  replication::ApplyRequest request;
  request.group = kGroup;
  request.topic = kTopic;
  request.changes = &changes;
  request.next_offsets = {{kTopic, 0, next_offset}};
  request.expected = {{0, expected}};
  return request;
}

std::unique_ptr<replication::ReplicaStore> connectedStore(const ReplicationFixture& f) {
  auto store = std::make_unique<replication::ReplicaStore>(f.replica().url());
  auto connected = store->connect();
  REQUIRE_MESSAGE(connected.ok(), (connected.ok() ? std::string() : connected.error().message));
  return store;
}

// Makes the replica refuse the next offset write (and only that one): the
// sequence counts attempts outside any transaction, so the rollback of the
// refused batch does not reset it.
void refuseNextOffsetWrite(const ReplicationFixture& f) {
  f.exec("CREATE SEQUENCE test_offset_writes");
  // The worker's role runs the trigger below.
  f.exec("GRANT USAGE ON SEQUENCE test_offset_writes TO replication_worker");
  f.exec(
      "CREATE FUNCTION test_refuse_offsets_once() RETURNS trigger LANGUAGE plpgsql AS $$ "
      "BEGIN IF nextval('test_offset_writes') = 1 THEN "
      "RAISE EXCEPTION 'offset write refused by the test'; END IF; RETURN NEW; END $$");
  f.exec(
      "CREATE TRIGGER test_refuse_offsets_once BEFORE INSERT OR UPDATE ON consumer_offsets "
      "FOR EACH ROW EXECUTE FUNCTION test_refuse_offsets_once()");
}

}  // namespace

TEST_CASE("two workers that both believe they own a partition: only the offsets' owner writes") {
  ReplicationFixture f;
  auto first = connectedStore(f);
  auto zombie = connectedStore(f);

  // Both start from "no stored offset". The first worker records its batch.
  const std::vector<replication::ReplicaChange> first_batch = {change(1, 1, 0), change(2, 1, 1)};
  REQUIRE(first->apply(batch(first_batch, 2, std::nullopt)).ok());

  // The zombie still thinks nothing is stored: it must write nothing at all.
  const std::vector<replication::ReplicaChange> zombie_batch = {change(3, 1, 0), change(1, 5, 1)};
  auto fenced = zombie->apply(batch(zombie_batch, 2, std::nullopt));
  REQUIRE_FALSE(fenced.ok());
  CHECK(fenced.error().kind == core::ErrorKind::kConflict);
  CHECK_FALSE(f.row(3));
  CHECK(f.row(1)->version == 1);
  CHECK(f.scalar("SELECT next_offset FROM consumer_offsets WHERE consumer_group = '" + kGroup +
                 "'") == 2);

  // The owner goes on from what it stored.
  const std::vector<replication::ReplicaChange> second_batch = {change(4, 1, 2)};
  REQUIRE(first->apply(batch(second_batch, 3, 2)).ok());

  // A zombie one batch behind (it believes 2, the row says 3) is fenced too,
  // and so is one that believes an offset ahead of the stored one.
  const std::vector<replication::ReplicaChange> late_batch = {change(5, 1, 2), change(4, 9, 2)};
  for (const std::int64_t believed : {2, 7}) {
    CAPTURE(believed);
    auto late = zombie->apply(batch(late_batch, believed + 1, believed));
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().kind == core::ErrorKind::kConflict);
  }
  CHECK_FALSE(f.row(5));
  CHECK(f.row(4)->version == 1);
  CHECK(f.scalar("SELECT next_offset FROM consumer_offsets WHERE consumer_group = '" + kGroup +
                 "'") == 3);
  CHECK(f.scalar("SELECT sum(apply_count) FROM customers") == 3);
}

TEST_CASE("a batch whose offset write fails leaves none of its rows, and its retry applies once") {
  ReplicationFixture f;
  auto store = connectedStore(f);
  refuseNextOffsetWrite(f);

  const std::vector<replication::ReplicaChange> changes = {change(1, 1, 0), change(2, 1, 1),
                                                           change(3, 2, 2)};
  auto refused = store->apply(batch(changes, 3, std::nullopt));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("offset write refused by the test") != std::string::npos);
  CHECK(f.scalar("SELECT count(*) FROM customers") == 0);
  CHECK(f.scalar("SELECT count(*) FROM consumer_offsets") == 0);

  // What the worker does next: reconnect if needed and apply the batch again.
  if (!store->connected()) REQUIRE(store->connect().ok());
  auto applied = store->apply(batch(changes, 3, std::nullopt));
  REQUIRE_MESSAGE(applied.ok(), (applied.ok() ? std::string() : applied.error().message));
  CHECK(applied->applied_ids.size() == 3);
  CHECK(f.scalar("SELECT count(*) FROM customers WHERE apply_count = 1") == 3);
  CHECK(f.scalar("SELECT next_offset FROM consumer_offsets") == 3);
}

TEST_CASE("the replicator recovers from a failed offset write and applies every event once") {
  ReplicationFixture f;
  refuseNextOffsetWrite(f);
  const int customers = 12;
  for (int id = 1; id <= customers; ++id) f.produce(CrudEventType::kCreated, id, 1);
  for (int id = 1; id <= customers; id += 3) f.produce(CrudEventType::kUpdated, id, 2);
  f.flush();
  const auto options = f.options();
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, f.producedCount()));

  CHECK(f.scalar("SELECT nextval('test_offset_writes')") >= 3);  // the refusal happened
  CHECK(worker.metrics.counter("replication_errors_total", "", {{"kind", "database"}}).value() >=
        1);
  const auto stats = worker.replicator.stats();
  CHECK(stats.stale == 0);  // nothing of the refused batch had been committed
  CHECK(stats.applied + stats.superseded == static_cast<std::uint64_t>(f.producedCount()));
  // Every application the replica counted is one the worker recorded.
  CHECK(f.scalar("SELECT sum(apply_count) FROM customers") ==
        static_cast<long long>(stats.applied));
  CHECK(f.scalar("SELECT count(*) FROM customers") == customers);
  CHECK(f.scalar("SELECT count(*) FROM customers WHERE version = 2") == 4);
}
