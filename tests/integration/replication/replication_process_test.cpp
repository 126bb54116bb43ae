// The real executable: kill -9 in the middle of a backlog and restart, SIGTERM,
// verify against a source database, and its one-line errors.

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "core/kafka/admin.hpp"
#include "core/kafka/consumer.hpp"
#include "integration/replication/replication_fixture.hpp"

using testing::CrudEventType;

namespace {

std::string logPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (testing::uniqueName(name) + ".log")).string();
}

std::string binary() {
  return testing::binaryPath("src/workers/replication/replication-worker");
}

// Runs with only the given flags (no fallback variables).
testing::CommandResult runWorker(const std::string& flags) {
  return testing::runCommand(
      "env -u DATABASE_URL -u REPLICA_DATABASE_URL -u KAFKA_BROKERS -u LOG_LEVEL " + binary() +
      " " + flags);
}

}  // namespace

TEST_CASE(
    "kill -9 in the middle of a backlog, then a restart: the replica ends equal to the source") {
  testing::ReplicationFixture f;
  const testing::SourceDatabase source("it_repl_source");

  // 300 customers with 40 versions each, interleaved; every 7th ends deleted.
  const int customers = 300;
  const int versions = 40;
  std::vector<core::domain::Customer> final_rows;
  for (int v = 1; v <= versions; ++v) {
    for (int id = 1; id <= customers; ++id) {
      const bool last = v == versions;
      const bool deleted = last && id % 7 == 0;
      const auto type = v == 1    ? CrudEventType::kCreated
                        : deleted ? CrudEventType::kDeleted
                                  : CrudEventType::kUpdated;
      f.produce(type, id, v);
      if (last) final_rows.push_back(testing::customerState(id, v, deleted));
    }
  }
  f.flush();
  const std::int64_t total = customers * versions;
  source.put(final_rows);

  const std::string group = testing::uniqueName("it-group");
  const auto args = f.workerArgs(
      group, {"--batch-size", "20", "--metrics-address", "127.0.0.1:0", "--log-level", "warn"});
  const auto log = logPath("replication-kill");
  std::int64_t at_kill = -1;
  {
    testing::ChildProcess worker(testing::replicationWorkerCommand(args), log);
    REQUIRE(testing::waitUntil([&]() { return f.storedOffset(group) > 0; },
                               std::chrono::seconds(60), std::chrono::milliseconds(5)));
    worker.signal(SIGKILL);
    REQUIRE(worker.waitExit(std::chrono::seconds(10)) == 128 + SIGKILL);
    at_kill = f.storedOffset(group);
  }
  CAPTURE(at_kill);
  CHECK(at_kill < total);  // it really died in the middle

  testing::ChildProcess restarted(testing::replicationWorkerCommand(args), log);
  REQUIRE_MESSAGE(f.waitForStoredOffset(group, total, std::chrono::seconds(120)),
                  restarted.output());
  restarted.signal(SIGTERM);
  CHECK(restarted.waitExit(std::chrono::seconds(20)) == 0);

  // No row applied more often than it has versions, and the last event of
  // each customer is where its row came from.
  CHECK(f.scalar("SELECT count(*) FROM customers") == customers);
  CHECK(f.scalar("SELECT max(apply_count) FROM customers") <= versions);
  CHECK(f.scalar("SELECT count(*) FROM customers WHERE version = " + std::to_string(versions)) ==
        customers);
  const auto verify =
      testing::runCommand(binary() + " verify --source-database-url " +
                          source.urlAs(testing::Role::kApi) + " --replica-database-url " +
                          f.replica().urlAs(testing::Role::kReplication) + " --chunk-size 64");
  CHECK_MESSAGE(verify.exit_code == 0, verify.output);
  CHECK(verify.output.find("EQUAL: source rows=300 replica rows=300") != std::string::npos);
  std::filesystem::remove(log);
}

TEST_CASE("SIGTERM finishes and records the current batch, then exits 0") {
  testing::ReplicationFixture f;
  for (int id = 1; id <= 2000; ++id) f.produce(CrudEventType::kCreated, id, 1);
  f.flush();
  const std::string group = testing::uniqueName("it-group");
  const auto log = logPath("replication-term");
  testing::ChildProcess worker(
      testing::replicationWorkerCommand(
          f.workerArgs(group, {"--batch-size", "10", "--metrics-address", "127.0.0.1:0"})),
      log);
  REQUIRE(testing::waitUntil([&]() { return f.storedOffset(group) > 0; }, std::chrono::seconds(60),
                             std::chrono::milliseconds(5)));
  worker.signal(SIGTERM);
  REQUIRE(worker.waitExit(std::chrono::seconds(20)) == 0);
  // What it recorded is exactly what it applied: stored offset = rows.
  const auto stored = f.storedOffset(group);
  CHECK(stored > 0);
  CHECK(f.scalar("SELECT count(*) FROM customers") == stored);
  CHECK(worker.output().find("finishing the current batch") != std::string::npos);
  CHECK(worker.output().find("stopped: applied=") != std::string::npos);
  std::filesystem::remove(log);
}

TEST_CASE("a worker whose topic was deleted under it still exits on SIGTERM") {
  testing::ReplicationFixture f;
  f.produce(CrudEventType::kCreated, 1, 1);
  f.flush();
  const std::string group = testing::uniqueName("it-group");
  testing::ChildProcess worker(
      testing::replicationWorkerCommand(f.workerArgs(group, {"--metrics-address", "127.0.0.1:0"})));
  REQUIRE(testing::waitUntil([&]() { return f.storedOffset(group) > 0; }));
  const auto deleted = core::kafka::deleteTopics(testing::kafkaBrokers(),
                                                 testing::kafkaAdminProperties(), {f.topic()});
  REQUIRE_MESSAGE(deleted.ok(), deleted.error().message);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // it notices the partition is gone
  worker.signal(SIGTERM);
  // librdkafka 2.0.2 used to hang here in the consumer's destruction for ever.
  CHECK_MESSAGE(
      worker.waitExit(core::kafka::Consumer::kDestroyTimeout + std::chrono::seconds(15)) == 0,
      worker.output());
}

TEST_CASE("verify exits 0 when source and replica match, 1 with the differences listed when not") {
  const testing::SourceDatabase source("it_verify_source");
  testing::TempDatabase replica("it_verify_replica");
  testing::migrateReplica(replica.url());
  std::vector<core::domain::Customer> rows;
  for (int id = 1; id <= 12; ++id) rows.push_back(testing::customerState(id, id % 3 + 1, id == 5));
  source.put(rows);
  {
    pqxx::connection c(replica.url());
    pqxx::work tx(c);
    for (const auto& r : rows) {
      tx.exec_params(
          "INSERT INTO customers (id, name, phone, email, deleted, version, created_on, "
          "updated_on, created_by, updated_by, last_event_id) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'e')",
          r.id, r.name, r.phone, r.email, r.deleted, r.version,
          core::domain::formatIso8601(r.created_on), core::domain::formatIso8601(r.updated_on),
          r.created_by, r.updated_by);
    }
    tx.commit();
  }
  const std::string flags = "verify --source-database-url " + source.urlAs(testing::Role::kApi) +
                            " --replica-database-url " +
                            replica.urlAs(testing::Role::kReplication) + " --chunk-size 5";
  const auto equal = runWorker(flags);
  CHECK_MESSAGE(equal.exit_code == 0, equal.output);
  CHECK(equal.output.find("EQUAL: source rows=12 replica rows=12") != std::string::npos);

  {
    pqxx::connection c(replica.url());
    pqxx::work tx(c);
    tx.exec("UPDATE customers SET name = 'Someone Else' WHERE id = 2");
    tx.exec("DELETE FROM customers WHERE id = 5");  // a tombstone lost
    tx.exec(
        "INSERT INTO customers (id, name, phone, email, version, created_on, updated_on, "
        "last_event_id) VALUES (99, 'ghost', '', '', 1, now(), now(), 'e')");
    tx.commit();
  }
  {
    pqxx::connection c(source.url());
    pqxx::work tx(c);
    tx.exec("UPDATE customers SET deleted = true, version = version + 1 WHERE id = 7");
    tx.commit();
  }
  const auto different = runWorker(flags);
  CHECK(different.exit_code == 1);
  CHECK(different.output.find(
            "differs id=2: name source=\"Customer 2 v3\" replica=\"Someone Else\"") !=
        std::string::npos);
  CHECK(different.output.find("missing id=5") != std::string::npos);
  CHECK(different.output.find("tombstone") != std::string::npos);
  CHECK(different.output.find("id=99") != std::string::npos);
  CHECK(different.output.find("differs id=7: version") != std::string::npos);
  CHECK(different.output.find(
            "DIFFERENT: source rows=12 replica rows=12 missing=1 extra=1 different=2") !=
        std::string::npos);

  const auto limited = runWorker(flags + " --max-differences 1");
  CHECK(limited.exit_code == 1);
  CHECK(limited.output.find("and 3 more differences") != std::string::npos);
}

TEST_CASE("bad flags and a bad replica database give a one-line error and a non-zero exit") {
  const std::string replica = testing::roleUrl(testing::Role::kReplication, "postgres");
  const std::string good =
      "--replica-database-url " + replica + " --brokers " + testing::kafkaBrokers();
  struct Case {
    std::string flags;
    std::string expected;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {good + " --batch-size 0", "--batch-size", 2},
      {good + " --poll-timeout-ms -5", "--poll-timeout-ms", 2},
      {good + " --no-such-flag 1", "no-such-flag", 2},
      {good + " -X missing-equals", "-X", 2},
      {good + " --dlq-topic 'bad name'", "--dlq-topic", 2},
      {good + " --log-level loud", "--log-level", 2},
      {"--brokers " + testing::kafkaBrokers(), "REPLICA_DATABASE_URL", 2},
      {good + " --metrics-address nonsense", "--metrics-address", 2},
      {"verify --replica-database-url " + replica, "--source-database-url", 2},
      {"verify --source-database-url " + replica + " --replica-database-url " + replica +
           " --chunk-size 0",
       "--chunk-size", 2},
      // The postgres database has no replication schema.
      {good, "replication schema", 1},
      {"--replica-database-url postgresql://postgres@127.0.0.1:1/x --brokers " +
           testing::kafkaBrokers(),
       "unreachable", 3},
  };
  for (const auto& c : cases) {
    CAPTURE(c.flags);
    const auto r = runWorker(c.flags);
    CHECK(r.exit_code == c.exit_code);
    CHECK(r.output.find(c.expected) != std::string::npos);
    CHECK(testing::lineCount(r.output) == 1);
    CAPTURE(r.output);
  }
}
