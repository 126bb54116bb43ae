#include "workers/replication/replica_store.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "core/db/array_literal.hpp"
#include "core/db/connection_url.hpp"

namespace replication {

namespace {

using core::Error;
using core::ErrorKind;

// Fails (42P01 / 42703) when the migrations of sql/replica are not applied.
constexpr const char* kCheckSchema =
    "SELECT (SELECT count(*) FROM (SELECT id, version, deleted, last_event_id, last_partition, "
    "last_offset, apply_count FROM customers LIMIT 0) c) + "
    "(SELECT count(*) FROM (SELECT consumer_group, topic, partition, next_offset "
    "FROM consumer_offsets LIMIT 0) o)";

constexpr const char* kStoredOffsets =
    "SELECT partition, next_offset FROM consumer_offsets "
    "WHERE consumer_group = $1 AND topic = $2 ORDER BY partition";

// Serialises the workers of one group and topic partition by partition (for
// the first batch, when there is no offset row to lock yet).
constexpr const char* kLockPartitions =
    "SELECT count(pg_advisory_xact_lock(hashtext($1 || '/' || $2), p)) "
    "FROM (SELECT unnest($3::integer[]) AS p ORDER BY 1) AS ps";

constexpr const char* kFenceOffsets =
    "SELECT partition, next_offset FROM consumer_offsets "
    "WHERE consumer_group = $1 AND topic = $2 AND partition = ANY($3::integer[]) FOR UPDATE";

// One statement for the whole batch: insert new customers, update those whose
// stored version is older; equal or newer stored versions are left alone (a
// tombstone included, so a late update cannot revive a deleted customer).
// The rows arrive as one array per column (unnest of typed arrays parses
// about twice as fast as json_to_recordset). It returns the applied ids, each
// with whether versions were skipped: the batch's oldest version of that
// customer is more than one past the stored one (`stored` sees the rows as
// they were before this statement).
constexpr const char* kApplyChanges =
    "WITH incoming AS ("
    "  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::boolean[], "
    "    $6::integer[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], "
    "    $11::text[], $12::bigint[], $13::integer[], $14::bigint[], $15::integer[]) "
    "    AS t(id, name, phone, email, deleted, version, created_on, updated_on, created_by, "
    "    updated_by, event_id, outbox_id, kafka_partition, kafka_offset, oldest_version)"
    "), stored AS ("
    "  SELECT c.id, c.version FROM customers c WHERE c.id = ANY($1::bigint[])"
    "), applied AS ("
    "  INSERT INTO customers AS c (id, name, phone, email, deleted, version, created_on, "
    "    updated_on, created_by, updated_by, last_event_id, last_outbox_id, last_partition, "
    "    last_offset, apply_count, replicated_at) "
    "  SELECT id, name, phone, email, deleted, version, created_on, updated_on, created_by, "
    "    updated_by, event_id, nullif(outbox_id, 0), kafka_partition, kafka_offset, 1, "
    "    clock_timestamp() FROM incoming "
    "  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, "
    "    email = EXCLUDED.email, deleted = EXCLUDED.deleted, version = EXCLUDED.version, "
    "    created_on = EXCLUDED.created_on, updated_on = EXCLUDED.updated_on, "
    "    created_by = EXCLUDED.created_by, updated_by = EXCLUDED.updated_by, "
    "    last_event_id = EXCLUDED.last_event_id, last_outbox_id = EXCLUDED.last_outbox_id, "
    "    last_partition = EXCLUDED.last_partition, last_offset = EXCLUDED.last_offset, "
    "    apply_count = c.apply_count + 1, replicated_at = EXCLUDED.replicated_at "
    "  WHERE c.version < EXCLUDED.version "
    "  RETURNING c.id"
    ") SELECT a.id, i.oldest_version > coalesce(s.version, 0) + 1 "
    "FROM applied a JOIN incoming i ON i.id = a.id LEFT JOIN stored s ON s.id = a.id";

constexpr const char* kStoreOffsets =
    "INSERT INTO consumer_offsets AS o (consumer_group, topic, partition, next_offset, updated_at) "
    "SELECT $1, $2, p, n, clock_timestamp() FROM unnest($3::integer[], $4::bigint[]) AS t(p, n) "
    "ON CONFLICT (consumer_group, topic, partition) DO UPDATE "
    "SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at";

// The batch's oldest version per change; each change's own when not given.
std::vector<std::int32_t> oldestVersions(const ApplyRequest& request) {
  if (request.oldest_versions != nullptr) return *request.oldest_versions;
  std::vector<std::int32_t> out;
  out.reserve(request.changes->size());
  for (const auto& change : *request.changes) out.push_back(change.row.version);
  return out;
}

// kPermanent when the replication tables or columns are missing: retrying
// cannot help until someone applies the migrations.
core::Status checkSchema(pqxx::connection& c, const std::string& url) {
  try {
    pqxx::nontransaction tx(c);
    tx.exec(kCheckSchema);
    return {};
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() != "42P01" && e.sqlstate() != "42703") throw;
    return Error{ErrorKind::kPermanent,
                 "replica database " + core::db::redactPassword(url) +
                     " lacks the replication schema (apply sql/replica with pipeline-admin "
                     "migrate): " +
                     e.what()};
  }
}

core::db::SessionOptions sessionOptions(std::string url) {
  core::db::SessionOptions options;
  options.url = std::move(url);
  options.label = "replica database";
  options.application_name = "replication-worker";
  // Safe here: the data and its offsets commit together, so a commit lost in
  // a server crash loses both, and the worker re-applies from the older
  // offset. Saves a WAL flush wait per batch.
  options.settings = {{"synchronous_commit", "off"}};
  options.on_connect = [url = options.url](pqxx::connection& c) { return checkSchema(c, url); };
  options.statements = {{"replica_stored_offsets", kStoredOffsets},
                        {"replica_lock_partitions", kLockPartitions},
                        {"replica_fence_offsets", kFenceOffsets},
                        {"replica_apply_changes", kApplyChanges},
                        {"replica_store_offsets", kStoreOffsets}};
  // The worker reopens the session itself (connect()), to tell a missing
  // schema from a server that is away.
  options.reconnect_on_run = false;
  return options;
}

}  // namespace

ChangeColumns encodeChangeColumns(const std::vector<ReplicaChange>& changes) {
  std::vector<std::int64_t> ids, outbox_ids, offsets;
  std::vector<std::int32_t> versions, partitions;
  std::vector<std::string> names, phones, emails, created_on, updated_on, created_by, updated_by,
      event_ids;
  std::vector<bool> deleted;
  for (const auto& change : changes) {
    const auto& row = change.row;
    ids.push_back(row.id);
    names.push_back(row.name);
    phones.push_back(row.phone);
    emails.push_back(row.email);
    deleted.push_back(row.deleted);
    versions.push_back(row.version);
    created_on.push_back(core::domain::formatIso8601(row.created_on));
    updated_on.push_back(core::domain::formatIso8601(row.updated_on));
    created_by.push_back(row.created_by);
    updated_by.push_back(row.updated_by);
    event_ids.push_back(change.event_id);
    outbox_ids.push_back(change.outbox_id);
    partitions.push_back(change.partition);
    offsets.push_back(change.offset);
  }
  using core::db::arrayLiteral;
  return {arrayLiteral(ids),        arrayLiteral(names),      arrayLiteral(phones),
          arrayLiteral(emails),     arrayLiteral(deleted),    arrayLiteral(versions),
          arrayLiteral(created_on), arrayLiteral(updated_on), arrayLiteral(created_by),
          arrayLiteral(updated_by), arrayLiteral(event_ids),  arrayLiteral(outbox_ids),
          arrayLiteral(partitions), arrayLiteral(offsets)};
}

ReplicaStore::ReplicaStore(std::string database_url)
    : session_(sessionOptions(std::move(database_url))) {}
ReplicaStore::~ReplicaStore() = default;

core::Status ReplicaStore::connect() {
  return session_.connect();
}

bool ReplicaStore::connected() const {
  return session_.connected();
}

void ReplicaStore::disconnect() {
  session_.disconnect();
}

core::Result<StoredOffsets> ReplicaStore::storedOffsets(const std::string& group,
                                                        const std::string& topic) {
  return session_.run([&](pqxx::connection& c) -> core::Result<StoredOffsets> {
    pqxx::nontransaction tx(c);
    StoredOffsets out;
    for (const auto& r : tx.exec_prepared("replica_stored_offsets", group, topic)) {
      out[r[0].as<std::int32_t>()] = r[1].as<std::int64_t>();
    }
    return out;
  });
}

core::Result<ApplyOutcome> ReplicaStore::apply(const ApplyRequest& request) {
  std::vector<std::int32_t> partitions;
  std::vector<std::int64_t> offsets;
  for (const auto& p : request.next_offsets) {
    partitions.push_back(p.partition);
    offsets.push_back(p.offset);
  }
  return session_.run([&](pqxx::connection& c) -> core::Result<ApplyOutcome> {
    pqxx::work tx(c);
    const auto partition_list = core::db::arrayLiteral(partitions);
    tx.exec_prepared("replica_lock_partitions", request.group, request.topic, partition_list);

    std::map<std::int32_t, std::optional<std::int64_t>> stored;
    for (const auto p : partitions) stored[p] = std::nullopt;
    for (const auto& r :
         tx.exec_prepared("replica_fence_offsets", request.group, request.topic, partition_list)) {
      stored[r[0].as<std::int32_t>()] = r[1].as<std::int64_t>();
    }
    for (const auto& [partition, value] : stored) {
      const auto it = request.expected.find(partition);
      const std::optional<std::int64_t> expected =
          it == request.expected.end() ? std::nullopt : it->second;
      if (value != expected) {
        return Error{ErrorKind::kConflict, "stored offset of " + request.topic + "/" +
                                               std::to_string(partition) + " is " +
                                               (value ? std::to_string(*value) : "absent") +
                                               ", this worker expected " +
                                               (expected ? std::to_string(*expected) : "none") +
                                               " (another worker of the group moved it)"};
      }
    }

    ApplyOutcome outcome;
    if (request.changes != nullptr && !request.changes->empty()) {
      const auto columns = encodeChangeColumns(*request.changes);
      const auto rows = tx.exec_prepared(
          "replica_apply_changes", columns.ids, columns.names, columns.phones, columns.emails,
          columns.deleted, columns.versions, columns.created_on, columns.updated_on,
          columns.created_by, columns.updated_by, columns.event_ids, columns.outbox_ids,
          columns.partitions, columns.offsets, core::db::arrayLiteral(oldestVersions(request)));
      outcome.applied_ids.reserve(rows.size());
      for (const auto& r : rows) {
        outcome.applied_ids.push_back(r[0].as<std::int64_t>());
        if (r[1].as<bool>()) outcome.gap_ids.push_back(r[0].as<std::int64_t>());
      }
    }
    tx.exec_prepared("replica_store_offsets", request.group, request.topic, partition_list,
                     core::db::arrayLiteral(offsets));
    tx.commit();
    return outcome;
  });
}

core::Status ReplicaStore::ping() {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
    return {};
  });
}

}  // namespace replication
