// Hostile messages on the CRUD topic: malformed ones go to the DLQ with their
// reason and the worker goes on; a forged high version is counted as a gap,
// and `verify --repair` heals the row so the real next update applies.

#include <doctest/doctest.h>

#include <map>

#include "integration/replication/replication_fixture.hpp"

using testing::CrudEventType;
using testing::ReplicationFixture;
using testing::RunningReplicator;

namespace {

std::string headerOf(const core::kafka::ConsumedMessage& m, const std::string& name) {
  for (const auto& [key, value] : m.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace

TEST_CASE("malformed CRUD messages go to the DLQ with their reason and the next event applies") {
  ReplicationFixture f;
  std::string objects;
  for (int i = 0; i < 50000; ++i) objects += "{\"a\":";
  auto duplicate = core::json::encodeCrudEvent(testing::crudEvent(CrudEventType::kCreated, 4, 1));
  duplicate.insert(1, "\"version\":7,");
  auto surrogate = testing::crudEvent(CrudEventType::kCreated, 5, 1);
  surrogate.after_change->name = "SURROGATE";
  auto surrogate_text = core::json::encodeCrudEvent(surrogate);
  surrogate_text.replace(surrogate_text.find("SURROGATE"), 9, "\\udc00");

  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(500000, '['), "deeper"},
      {objects, "deeper"},
      {"{\"id\":\"\xC0\xAF\"}", "encoding"},
      {duplicate, "duplicate key \"version\""},
      {surrogate_text, "after_change.name"},
      {std::string("{\"id\":\"a\"}\0{}", 13), "invalid JSON"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    f.produceRaw(std::to_string(i + 1), cases[i].first);
  }
  f.produce(CrudEventType::kCreated, 42, 1);
  f.flush();
  const auto options = f.options();
  RunningReplicator worker(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, f.producedCount()));
  REQUIRE(f.row(42));
  CHECK(f.scalar("SELECT count(*) FROM customers") == 1);
  CHECK(worker.replicator.stats().dead_lettered == cases.size());

  const auto letters = testing::readTopic(f.dlq(), cases.size());
  REQUIRE(letters.size() == cases.size());
  std::map<std::string, std::string> error_by_offset;
  for (const auto& letter : letters) {
    error_by_offset[headerOf(letter, "dlq.source.offset")] = headerOf(letter, "dlq.error");
    CHECK(headerOf(letter, "dlq.source.topic") == f.topic());
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    const auto& error = error_by_offset[std::to_string(i)];
    CHECK_MESSAGE(error.find(cases[i].second) != std::string::npos, error);
  }
}

TEST_CASE(
    "a forged high version is counted as a version gap, and verify --repair heals the row so the "
    "real next update applies") {
  ReplicationFixture f;
  testing::SourceDatabase source;
  // The real history of customer 7 (v1, v2, v3) and of customer 8 (v1), and
  // a forged v1000 of customer 7 that overtakes v3.
  f.produce(CrudEventType::kCreated, 7, 1);
  f.produce(CrudEventType::kUpdated, 7, 2);
  auto forged = testing::crudEvent(CrudEventType::kUpdated, 7, 1000);
  forged.after_change->email = "attacker@example.com";
  f.produce(forged);
  f.produce(CrudEventType::kUpdated, 7, 3);
  f.produce(CrudEventType::kCreated, 8, 1);
  f.flush();
  source.put(testing::customerState(7, 3));
  source.put(testing::customerState(8, 1));
  // And a replica row the source never had (forged from nothing).
  auto options = f.options();
  options.batch_size = 1;  // each event on its own: the gap is against the stored row
  {
    RunningReplicator worker(options);
    REQUIRE(f.waitForStoredOffset(options.group_id, 5));
    CHECK(worker.replicator.stats().version_gaps == 1);
    CHECK(worker.metrics.counter("replication_version_gaps_total", "").value() == 1);
    CHECK(worker.replicator.stats().stale == 1);  // the real v3, skipped: the replica is wrong
  }
  CHECK(f.row(7)->version == 1000);
  f.exec(
      "INSERT INTO customers (id, name, phone, email, version, created_on, updated_on, "
      "last_event_id) VALUES (99, 'ghost', '1', 'g@x.io', 5, now(), now(), 'forged')");

  const auto verify = [&](const std::string& flags) {
    return testing::runCommand(testing::binaryPath("src/workers/replication/replication-worker") +
                               " verify --source-database-url '" +
                               source.urlAs(testing::Role::kApi) + "' --replica-database-url '" +
                               f.replica().urlAs(testing::Role::kReplication) + "' " + flags);
  };
  const auto found = verify("");
  CHECK(found.exit_code == 1);
  CHECK(found.output.find("different=1") != std::string::npos);
  CHECK(found.output.find("extra=1") != std::string::npos);
  const auto repaired = verify("--repair");
  CHECK_MESSAGE(repaired.exit_code == 0, repaired.output);
  CHECK(repaired.output.find("REPAIRED: rewritten=1 deleted=1") != std::string::npos);
  CHECK(verify("").exit_code == 0);
  CHECK(f.row(7)->version == 3);
  CHECK_FALSE(f.row(99));

  // The real next update now applies, and the replica equals the source.
  f.produce(CrudEventType::kUpdated, 7, 4);
  f.flush();
  source.put(testing::customerState(7, 4));
  RunningReplicator again(options);
  REQUIRE(f.waitForStoredOffset(options.group_id, 6));
  CHECK(f.row(7)->version == 4);
  CHECK(again.replicator.stats().version_gaps == 0);
  CHECK(verify("").exit_code == 0);
}
