#pragma once
// A migrated replica database, a fresh CRUD topic and its DLQ topic, a
// producer that writes events (or any bytes) to them, readers of the replica,
// an in-process replicator on a thread, and the real executable as a child
// process.

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/json/codec.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "support/child_process.hpp"
#include "support/kafka_identity.hpp"
#include "support/kafka_reader.hpp"
#include "support/test_env.hpp"
#include "workers/replication/replicator.hpp"

namespace testing {

using core::domain::CrudEventType;

// Deterministic customer state for id and version (what the source would hold).
inline core::domain::Customer customerState(std::int64_t id, std::int32_t version,
                                            bool deleted = false) {
  core::domain::Customer c;
  c.id = id;
  c.name = "Customer " + std::to_string(id) + " v" + std::to_string(version);
  c.phone = "555 " + std::to_string(1000 + id);
  c.email = "c" + std::to_string(id) + "@example.com";
  c.deleted = deleted;
  c.version = version;
  c.created_on.micros_since_epoch = 1790000000000000LL + id * 1000000;
  c.updated_on.micros_since_epoch = c.created_on.micros_since_epoch + version * 1000 + 123;
  c.created_by = "api";
  c.updated_by = version == 1 ? "api" : "editor";
  return c;
}

inline core::domain::CrudEvent crudEvent(CrudEventType type, std::int64_t id,
                                         std::int32_t version) {
  core::domain::CrudEvent e;
  e.id = core::domain::newUuid();
  e.type = type;
  e.event_ts = core::domain::Timestamp::now();
  e.aggregate_id = id;
  e.version = version;
  e.outbox_id = id * 1000 + version;
  if (version > 1) e.before_change = customerState(id, version - 1);
  e.after_change = customerState(id, version, type == CrudEventType::kDeleted);
  return e;
}

struct ReplicaRow {
  std::int64_t id = 0;
  std::string name;
  std::int32_t version = 0;
  bool deleted = false;
  int apply_count = 0;
  std::int64_t last_offset = -1;
};

inline void migrateReplica(const std::string& url) {
  pqxx::connection c(url);
  auto files = core::db::loadMigrations(sourcePath("sql/replica"));
  REQUIRE_MESSAGE(files.ok(), files.error().message);
  auto applied = core::db::migrate(c, *files);
  REQUIRE_MESSAGE(applied.ok(), applied.error().message);
}

// A migrated source `customers` database (what `verify` compares against),
// holding rows exactly as the events describe them.
class SourceDatabase {
 public:
  explicit SourceDatabase(const std::string& prefix = "it_source") : db_(prefix) {
    pqxx::connection c(db_.url());
    auto files = core::db::loadMigrations(sourcePath("sql/customers"));
    REQUIRE_MESSAGE(files.ok(), files.error().message);
    auto applied = core::db::migrate(c, *files);
    REQUIRE_MESSAGE(applied.ok(), applied.error().message);
  }
  // Inserts the rows, or overwrites those whose id exists.
  void put(const std::vector<core::domain::Customer>& rows) const {
    pqxx::connection c(db_.url());
    pqxx::work tx(c);
    for (const auto& r : rows) {
      tx.exec_params(
          "INSERT INTO customers (id, name, phone, email, deleted, version, created_on, "
          "updated_on, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
          "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, "
          "email = EXCLUDED.email, deleted = EXCLUDED.deleted, version = EXCLUDED.version, "
          "created_on = EXCLUDED.created_on, updated_on = EXCLUDED.updated_on, "
          "created_by = EXCLUDED.created_by, updated_by = EXCLUDED.updated_by",
          r.id, r.name, r.phone, r.email, r.deleted, r.version,
          core::domain::formatIso8601(r.created_on), core::domain::formatIso8601(r.updated_on),
          r.created_by, r.updated_by);
    }
    tx.commit();
  }
  void put(const core::domain::Customer& row) const {
    put(std::vector<core::domain::Customer>{row});
  }
  const std::string& url() const { return db_.url(); }
  std::string urlAs(Role role) const { return db_.urlAs(role); }

 private:
  TempDatabase db_;
};

class ReplicationFixture {
 public:
  explicit ReplicationFixture(int partitions = 1)
      : replica_("it_replica"), topic_(uniqueName("it-crud")), dlq_(topic_ + "-DLQ") {
    migrateReplica(replica_.url());
    auto created =
        core::kafka::createTopics(kafkaBrokers(), kafkaAdminProperties(),
                                  {{topic_, partitions, 1, {}}, {dlq_, partitions, 1, {}}});
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    auto producer = core::kafka::Producer::create(
        {kafkaBrokers(), "it-replication", true, kafkaAdminProperties()});
    REQUIRE_MESSAGE(producer.ok(), producer.error().message);
    producer_ = std::move(producer).value();
  }
  ~ReplicationFixture() {
    (void)core::kafka::deleteTopics(kafkaBrokers(), kafkaAdminProperties(), {topic_, dlq_});
  }
  ReplicationFixture(const ReplicationFixture&) = delete;
  ReplicationFixture& operator=(const ReplicationFixture&) = delete;

  replication::ReplicatorOptions options(const std::string& group = "") const {
    replication::ReplicatorOptions o;
    o.database_url = replica_.urlAs(Role::kReplication);
    o.brokers = kafkaBrokers();
    o.kafka_properties = kafkaAdminProperties();
    o.topic = topic_;
    o.dead_letter_topic = dlq_;
    o.group_id = group.empty() ? uniqueName("it-group") : group;
    o.poll_timeout = std::chrono::milliseconds(100);
    o.lag_interval = std::chrono::milliseconds(200);
    o.kafka_commit_interval = std::chrono::milliseconds(200);
    o.max_backoff = std::chrono::milliseconds(1000);
    return o;
  }

  // Queues raw bytes; flush() waits for the broker.
  void produceRaw(const std::string& key, const std::string& payload) {
    auto queued = producer_->produce({topic_, key, payload, {}, ++produced_, -1});
    while (!queued.ok() && queued.error().kind == core::ErrorKind::kUnavailable) {
      producer_->poll(10);
      queued = producer_->produce({topic_, key, payload, {}, produced_, -1});
    }
    REQUIRE_MESSAGE(queued.ok(), queued.error().message);
  }
  void produce(const core::domain::CrudEvent& e) {
    produceRaw(std::to_string(e.aggregate_id), core::json::encodeCrudEvent(e));
  }
  void produce(CrudEventType type, std::int64_t id, std::int32_t version) {
    produce(crudEvent(type, id, version));
  }
  void flush() {
    auto flushed = producer_->flush(30000);
    REQUIRE_MESSAGE(flushed.ok(), flushed.error().message);
    for (const auto& report : producer_->takeDeliveryReports()) REQUIRE(report.persisted);
  }
  std::int64_t producedCount() const { return produced_; }

  long long scalar(const std::string& sql) const {
    pqxx::connection c(replica_.url());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<long long>();
  }
  std::string text(const std::string& sql) const {
    pqxx::connection c(replica_.url());
    pqxx::nontransaction tx(c);
    const auto r = tx.exec1(sql);
    return r[0].is_null() ? "" : r[0].c_str();
  }
  void exec(const std::string& sql) const {
    pqxx::connection c(replica_.url());
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }

  std::optional<ReplicaRow> row(std::int64_t id) const {
    pqxx::connection c(replica_.url());
    pqxx::nontransaction tx(c);
    const auto r = tx.exec(
        "SELECT id, name, version, deleted, apply_count, coalesce(last_offset, -1) FROM customers "
        "WHERE id = " +
        std::to_string(id));
    if (r.empty()) return std::nullopt;
    return ReplicaRow{r[0][0].as<std::int64_t>(), r[0][1].c_str(),   r[0][2].as<std::int32_t>(),
                      r[0][3].as<bool>(),         r[0][4].as<int>(), r[0][5].as<std::int64_t>()};
  }

  // The next offset stored for the group's partition 0, or -1.
  std::int64_t storedOffset(const std::string& group) const {
    pqxx::connection c(replica_.url());
    pqxx::nontransaction tx(c);
    const auto r = tx.exec_params(
        "SELECT next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND "
        "partition = 0",
        group, topic_);
    return r.empty() ? -1 : r[0][0].as<std::int64_t>();
  }
  bool waitForStoredOffset(const std::string& group, std::int64_t offset,
                           std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    return waitUntil([&]() { return storedOffset(group) == offset; }, timeout,
                     std::chrono::milliseconds(50));
  }

  // Every replica row with all its columns, for before/after comparisons.
  std::string replicaFingerprint() const {
    return text("SELECT md5(string_agg(c::text, E'\\n' ORDER BY id)) FROM customers c");
  }

  const TempDatabase& replica() const { return replica_; }
  const std::string& topic() const { return topic_; }
  const std::string& dlq() const { return dlq_; }

  // replication-worker's flags for this fixture's replica and topics in
  // consumer group `group`, followed by `flags`.
  std::vector<std::string> workerArgs(const std::string& group,
                                      const std::vector<std::string>& flags) const {
    std::vector<std::string> args = {"--replica-database-url",
                                     replica_.urlAs(Role::kReplication),
                                     "--brokers",
                                     kafkaBrokers(),
                                     "--topic",
                                     topic_,
                                     "--dlq-topic",
                                     dlq_,
                                     "--group-id",
                                     group};
    // The process logs in as replication-worker, with that user's production
    // grants on this fixture's topics and `group`.
    core::kafka::PipelineNames names;
    names.crud_topic = topic_;
    names.crud_dead_letter_topic = dlq_;
    names.replication_group = group;
    grantPipelineAcls(names);
    args = withKafkaIdentity(args, "replication-worker");
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  }

 private:
  TempDatabase replica_;
  std::string topic_;
  std::string dlq_;
  std::unique_ptr<core::kafka::Producer> producer_;
  std::int64_t produced_ = 0;
};

// A replicator running on its own thread until stop() or destruction.
class RunningReplicator {
 public:
  explicit RunningReplicator(const replication::ReplicatorOptions& options)
      : replicator(options, metrics), thread_([this]() { replicator.run(); }) {}
  ~RunningReplicator() { stop(); }
  RunningReplicator(const RunningReplicator&) = delete;
  RunningReplicator& operator=(const RunningReplicator&) = delete;
  void stop() {
    replicator.stop();
    if (thread_.joinable()) thread_.join();
  }

  core::metrics::Registry metrics;
  replication::Replicator replicator;

 private:
  std::thread thread_;
};

// The replication-worker binary with `args`, for testing::ChildProcess.
inline std::vector<std::string> replicationWorkerCommand(const std::vector<std::string>& args) {
  std::vector<std::string> command = {binaryPath("src/workers/replication/replication-worker")};
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

}  // namespace testing
