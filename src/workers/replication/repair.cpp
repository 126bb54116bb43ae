#include "workers/replication/repair.hpp"

#include <pqxx/pqxx>

#include "core/db/array_literal.hpp"
#include "core/db/session.hpp"
#include "workers/replication/command_session.hpp"

namespace replication {

namespace {

constexpr const char* kSourceRows =
    "SELECT id, name, phone, email, deleted, version, created_on, updated_on, created_by, "
    "updated_by FROM customers WHERE id = ANY($1::bigint[]) ORDER BY id";

constexpr const char* kLockReplicaRows =
    "SELECT id FROM customers WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE";

// Every column from the source; the replica's own bookkeeping says where the
// row came from. apply_count is left alone: no event was applied.
constexpr const char* kRewrite =
    "INSERT INTO customers AS c (id, name, phone, email, deleted, version, created_on, "
    "updated_on, created_by, updated_by, last_event_id, last_outbox_id, replicated_at) "
    "SELECT id, name, phone, email, deleted, version, created_on, updated_on, created_by, "
    "updated_by, 'verify --repair', NULL, clock_timestamp() FROM unnest($1::bigint[], "
    "$2::text[], $3::text[], $4::text[], $5::boolean[], $6::integer[], $7::timestamptz[], "
    "$8::timestamptz[], $9::text[], $10::text[]) AS t(id, name, phone, email, deleted, version, "
    "created_on, updated_on, created_by, updated_by) "
    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, "
    "email = EXCLUDED.email, deleted = EXCLUDED.deleted, version = EXCLUDED.version, "
    "created_on = EXCLUDED.created_on, updated_on = EXCLUDED.updated_on, "
    "created_by = EXCLUDED.created_by, updated_by = EXCLUDED.updated_by, "
    "last_event_id = EXCLUDED.last_event_id, last_outbox_id = NULL, "
    "replicated_at = EXCLUDED.replicated_at";

constexpr const char* kDeleteExtra =
    "DELETE FROM customers WHERE id = ANY($1::bigint[]) AND NOT id = ANY($2::bigint[])";

core::db::SessionOptions sessionOptions(const std::string& url, const char* label) {
  return commandSessionOptions(url, label, "replication-worker verify --repair");
}

}  // namespace

core::Result<RepairReport> repairReplica(const std::string& source_url,
                                         const std::string& replica_url,
                                         const std::vector<std::int64_t>& ids) {
  using core::db::arrayLiteral;
  RepairReport report;
  if (ids.empty()) return report;
  core::db::Session replica(sessionOptions(replica_url, "replica database"));
  core::db::Session source(sessionOptions(source_url, "source database"));
  // The replica first: its rows are locked before the source is read.
  return replica.run([&](pqxx::connection& replica_connection) -> core::Result<RepairReport> {
    return source.run([&](pqxx::connection& source_connection) -> core::Result<RepairReport> {
      const auto id_list = arrayLiteral(ids);
      pqxx::work tx(replica_connection);
      tx.exec_params(kLockReplicaRows, id_list);

      std::vector<std::vector<std::string>> columns(10);
      std::vector<std::int64_t> found;
      {
        pqxx::nontransaction read(source_connection);
        for (const auto& row : read.exec_params(kSourceRows, id_list)) {
          found.push_back(row[0].as<std::int64_t>());
          for (int i = 0; i < 10; ++i) {
            columns[static_cast<std::size_t>(i)].push_back(row[i].c_str());
          }
        }
      }
      if (!found.empty()) {
        tx.exec_params(kRewrite, arrayLiteral(columns[0]), arrayLiteral(columns[1]),
                       arrayLiteral(columns[2]), arrayLiteral(columns[3]), arrayLiteral(columns[4]),
                       arrayLiteral(columns[5]), arrayLiteral(columns[6]), arrayLiteral(columns[7]),
                       arrayLiteral(columns[8]), arrayLiteral(columns[9]));
      }
      report.rewritten = found.size();
      report.deleted = tx.exec_params(kDeleteExtra, id_list, arrayLiteral(found)).affected_rows();
      tx.commit();
      return report;
    });
  });
}

}  // namespace replication
