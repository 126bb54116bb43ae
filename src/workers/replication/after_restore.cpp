#include "workers/replication/after_restore.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "core/db/array_literal.hpp"
#include "core/db/crud_event_row.hpp"
#include "core/db/customer_row.hpp"
#include "core/db/session.hpp"
#include "workers/replication/command_session.hpp"
#include "workers/replication/repair.hpp"

namespace replication {

namespace {

using core::domain::Customer;

constexpr int kKafkaTimeoutMs = 10000;
constexpr int kTailTimeoutMs = 60000;

constexpr const char* kStoredOffsets =
    "SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2";
constexpr const char* kReplicaHighest =
    "SELECT coalesce(max(id), 0), coalesce(max(last_outbox_id), 0) FROM customers";
constexpr const char* kCustomersById =
    "SELECT " CUSTOMER_COLUMNS("") " FROM customers WHERE id = ANY($1::bigint[]) ORDER BY id";

// No write reaches customers until the commit (reads go on: verify runs
// meanwhile on its own sessions).
constexpr const char* kLockCustomers = "LOCK TABLE customers IN EXCLUSIVE MODE";
constexpr const char* kSourceHighestCustomer = "SELECT coalesce(max(id), 0) FROM customers";
constexpr const char* kSourceHighestOutbox = "SELECT coalesce(max(id), 0) FROM outbox";

#define MICROS_TO_TIMESTAMP(n) "('epoch'::timestamptz + " n "::bigint * interval '1 microsecond')"
constexpr const char* kBumpVersion =
    "UPDATE customers SET version = $2, updated_on = clock_timestamp(), updated_by = $3 "
    "WHERE id = $1 RETURNING " CUSTOMER_COLUMNS("");
// A live replica customer the source lacks: its last content, deleted.
constexpr const char* kInsertTombstone =
    "INSERT INTO customers (id, name, phone, email, deleted, version, created_on, updated_on, "
    "created_by, updated_by) VALUES ($1, $2, $3, $4, true, $5, " MICROS_TO_TIMESTAMP(
        "$6") ", clock_timestamp(), $7, $8) RETURNING " CUSTOMER_COLUMNS("");
// A replica tombstone the source lacks: the same tombstone (the topic already
// ends with its delete, so no event).
constexpr const char* kCopyTombstone =
    "INSERT INTO customers (id, name, phone, email, deleted, version, created_on, updated_on, "
    "created_by, updated_by) VALUES ($1, $2, $3, $4, true, $5, " MICROS_TO_TIMESTAMP(
        "$6") ", " MICROS_TO_TIMESTAMP("$7") ", $8, $9)";

core::db::SessionOptions sessionOptions(const std::string& url, const char* label) {
  return commandSessionOptions(url, label, "replication-worker after-restore");
}

std::map<std::int64_t, Customer> readCustomers(pqxx::transaction_base& tx,
                                               const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, Customer> out;
  for (const auto& row : tx.exec_params(kCustomersById, core::db::arrayLiteral(ids))) {
    auto customer = core::db::readCustomer(row, 0);
    out.emplace(customer.id, std::move(customer));
  }
  return out;
}

template <typename T>
std::optional<T> find(const std::map<std::int64_t, T>& rows, std::int64_t id) {
  const auto it = rows.find(id);
  return it == rows.end() ? std::nullopt : std::optional<T>(it->second);
}

struct Sequence {
  const char* name;
  const char* read;  // SELECT last_value, is_called
};
constexpr Sequence kCustomerIds{"customers_id_seq",
                                "SELECT last_value, is_called FROM customers_id_seq"};
constexpr Sequence kOutboxIds{"outbox_id_seq", "SELECT last_value, is_called FROM outbox_id_seq"};
constexpr const char* kSetSequence = "SELECT setval($1::regclass, $2, true)";

// Reads the sequence and moves it when an id at or below highest_used could
// come out of it next.
SequenceMove moveSequence(pqxx::work& tx, const Sequence& sequence, std::int64_t highest_used,
                          std::int64_t margin) {
  const auto row = tx.exec1(sequence.read);
  const SequenceState state{row[0].as<std::int64_t>(), row[1].as<bool>()};
  SequenceMove move{sequence.name, highest_used, state.nextId(), std::nullopt};
  if (const auto target = sequenceTarget(state, highest_used, margin)) {
    tx.exec_params(kSetSequence, std::string(sequence.name), *target);
    move.next_after = *target + 1;
  }
  return move;
}

struct ReplicaFacts {
  std::int64_t highest_id = 0;
  std::int64_t highest_outbox_id = 0;  // last_outbox_id: what the worker last applied per row
};

// Step 1: the replica has applied everything on the topic, or the partitions
// it has not, after waiting up to options.wait.
core::Result<std::vector<PartitionLag>> replicaLag(
    core::kafka::TopicTail& tail, core::db::Session& replica, const AfterRestoreOptions& options,
    std::vector<core::kafka::PartitionWatermarks>& marks) {
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  while (true) {
    auto watermarks = tail.watermarks(options.topic, kKafkaTimeoutMs);
    if (!watermarks) return watermarks.error();
    auto stored =
        replica.run([&](pqxx::connection& c) -> core::Result<std::map<std::int32_t, std::int64_t>> {
          pqxx::nontransaction tx(c);
          std::map<std::int32_t, std::int64_t> out;
          for (const auto& row : tx.exec_params(kStoredOffsets, options.group_id, options.topic)) {
            out[row[0].as<std::int32_t>()] = row[1].as<std::int64_t>();
          }
          return out;
        });
    if (!stored) return stored.error();
    auto lagging = laggingPartitions(*watermarks, *stored);
    marks = std::move(*watermarks);
    if (lagging.empty() || std::chrono::steady_clock::now() >= deadline) return lagging;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

// Step 2: one transaction on the source.
core::Status correctSource(const AfterRestoreOptions& options, const ReplicaFacts& replica_facts,
                           std::int64_t topic_highest_outbox_id, core::db::Session& replica,
                           AfterRestoreReport& report) {
  core::db::Session source(sessionOptions(options.verify.source_url, "source database"));
  return source.run([&](pqxx::connection& c) -> core::Status {
    pqxx::work tx(c);
    tx.exec(kLockCustomers);
    // The sequences first: the correction rows below take ids above the topic's.
    const auto source_customer = tx.exec1(kSourceHighestCustomer)[0].as<std::int64_t>();
    report.customers_sequence =
        moveSequence(tx, kCustomerIds, std::max(replica_facts.highest_id, source_customer), 0);
    const auto source_outbox = tx.exec1(kSourceHighestOutbox)[0].as<std::int64_t>();
    report.outbox_sequence = moveSequence(
        tx, kOutboxIds,
        std::max({topic_highest_outbox_id, replica_facts.highest_outbox_id, source_outbox}),
        options.outbox_id_margin);

    VerifyOptions verify = options.verify;
    verify.repair = true;  // every differing id
    auto differences = verifyReplica(verify);
    if (!differences) return differences.error();
    const auto& ids = differences->differing_ids;
    if (ids.empty()) {
      tx.commit();
      return {};
    }
    const auto source_rows = readCustomers(tx, ids);
    auto replica_rows =
        replica.run([&](pqxx::connection& rc) -> core::Result<std::map<std::int64_t, Customer>> {
          pqxx::read_transaction read(rc);
          return readCustomers(read, ids);
        });
    if (!replica_rows) return replica_rows.error();

    for (const auto id : ids) {
      const auto before = find(*replica_rows, id);
      const auto current = find(source_rows, id);
      const auto correction = planCorrection(current, before);
      pqxx::result written;
      switch (correction.kind) {
        case CorrectionKind::kNone: continue;
        case CorrectionKind::kBumpVersion:
          written = tx.exec_params(kBumpVersion, id, correction.version, kAfterRestoreAuthor);
          ++report.bumped;
          break;
        case CorrectionKind::kTombstone:
          written = tx.exec_params(kInsertTombstone, id, before->name, before->phone, before->email,
                                   correction.version, before->created_on.micros_since_epoch,
                                   before->created_by, kAfterRestoreAuthor);
          ++report.tombstoned;
          break;
        case CorrectionKind::kCopyTombstone:
          tx.exec_params(kCopyTombstone, id, before->name, before->phone, before->email,
                         correction.version, before->created_on.micros_since_epoch,
                         before->updated_on.micros_since_epoch, before->created_by,
                         before->updated_by);
          ++report.tombstones_copied;
          continue;
      }
      // The CRUD event as the API builds it; no notification row.
      const auto after = core::db::readCustomer(written.at(0), 0);
      const auto event = core::db::crudEvent(correctionEventType(after), before, after);
      const auto row = core::db::crudEventRow(event, after, options.topic);
      tx.exec_params(core::db::kInsertCrudRow, row.topic, row.key, row.aggregate_type,
                     row.aggregate_id, row.aggregate_version, row.event_type, row.payload,
                     core::db::encodeHeaders(row.headers));
      ++report.events;
    }
    tx.commit();
    return {};
  });
}

}  // namespace

core::Result<AfterRestoreReport> afterRestore(const AfterRestoreOptions& options) {
  AfterRestoreReport report;
  auto tail =
      core::kafka::TopicTail::create(options.brokers, options.group_id, options.kafka_properties);
  if (!tail) return tail.error();
  core::db::Session replica(sessionOptions(options.verify.replica_url, "replica database"));

  std::vector<core::kafka::PartitionWatermarks> marks;
  auto lagging = replicaLag(**tail, replica, options, marks);
  if (!lagging) return lagging.error();
  if (!lagging->empty()) {
    report.lagging = std::move(*lagging);
    return report;
  }

  auto messages =
      (*tail)->readTail(options.topic, marks, options.tail_per_partition, kTailTimeoutMs);
  if (!messages) return messages.error();
  report.messages_read = messages->size();
  for (const auto& message : *messages) {
    if (const auto id = outboxIdOf(message.payload)) {
      report.topic_highest_outbox_id = std::max(report.topic_highest_outbox_id.value_or(0), *id);
    }
  }

  auto facts = replica.run([&](pqxx::connection& c) -> core::Result<ReplicaFacts> {
    pqxx::nontransaction tx(c);
    const auto row = tx.exec1(kReplicaHighest);
    return ReplicaFacts{row[0].as<std::int64_t>(), row[1].as<std::int64_t>()};
  });
  if (!facts) return facts.error();

  if (auto corrected = correctSource(options, *facts, report.topic_highest_outbox_id.value_or(0),
                                     replica, report);
      !corrected) {
    return corrected.error();
  }

  // Step 3: the replica rows that still differ (the corrected ones, the lost
  // window's extra rows) are rewritten from the source; their correction
  // events, published later, are then stale there and skipped.
  VerifyOptions verify = options.verify;
  verify.repair = true;
  auto differences = verifyReplica(verify);
  if (!differences) return differences.error();
  if (!differences->differing_ids.empty()) {
    auto repaired = repairReplica(options.verify.source_url, options.verify.replica_url,
                                  differences->differing_ids);
    if (!repaired) return repaired.error();
    report.repaired_rewritten = repaired->rewritten;
    report.repaired_deleted = repaired->deleted;
  }
  verify.repair = false;
  auto final_report = verifyReplica(verify);
  if (!final_report) return final_report.error();
  report.final_report = std::move(*final_report);
  return report;
}

std::string formatAfterRestore(const AfterRestoreReport& report) {
  std::ostringstream out;
  if (!report.lagging.empty()) {
    for (const auto& p : report.lagging) {
      out << "partition " << p.partition << ": the replica stored offset "
          << (p.stored ? std::to_string(*p.stored) : std::string("none")) << ", the topic ends at "
          << p.high << " (" << p.lag << " events not applied)\n";
    }
    out << "REFUSED: the replica has not applied everything on the topic; nothing was changed. "
           "Let replication-worker run until replication_consumer_lag is 0 (or pass "
           "--wait-seconds), with the API and the relay stopped, then run this again.\n";
    return out.str();
  }
  for (const auto* move : {&report.customers_sequence, &report.outbox_sequence}) {
    out << "sequence " << move->name << ": highest id taken " << move->highest_used << ", next id "
        << move->next_before;
    if (move->next_after) {
      out << " -> " << *move->next_after << "\n";
    } else {
      out << " (unchanged)\n";
    }
  }
  out << "topic: " << report.messages_read << " events read back, highest outbox_id "
      << (report.topic_highest_outbox_id ? std::to_string(*report.topic_highest_outbox_id)
                                         : std::string("none"))
      << "\n";
  out << "source: bumped=" << report.bumped << " tombstoned=" << report.tombstoned
      << " tombstones_copied=" << report.tombstones_copied << " events=" << report.events
      << " (CRUD only, no e-mail)\n";
  out << "replica: rewritten=" << report.repaired_rewritten
      << " deleted=" << report.repaired_deleted << "\n";
  out << formatReport(report.final_report);
  return out.str();
}

}  // namespace replication
