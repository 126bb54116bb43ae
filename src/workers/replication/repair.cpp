#include "workers/replication/repair.hpp"

#include <memory>
#include <pqxx/pqxx>

#include "core/db/connection_url.hpp"
#include "core/db/errors.hpp"
#include "workers/replication/replica_store.hpp"

namespace replication {

namespace {

using core::Error;
using core::ErrorKind;

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

std::unique_ptr<pqxx::connection> open(const std::string& url, const char* label) {
  try {
    auto c = std::make_unique<pqxx::connection>(core::db::withConnectTimeout(url, 5));
    c->set_variable("application_name", "'replication-worker verify --repair'");
    c->set_variable("TimeZone", "'UTC'");
    return c;
  } catch (const std::exception& e) {
    throw Error{ErrorKind::kUnavailable, std::string(label) + " database " +
                                             core::db::redactPassword(url) +
                                             " unreachable: " + e.what()};
  }
}

std::string idArray(const std::vector<std::int64_t>& ids) {
  std::vector<std::string> text;
  text.reserve(ids.size());
  for (const auto id : ids) text.push_back(std::to_string(id));
  return textArrayLiteral(text);
}

}  // namespace

core::Result<RepairReport> repairReplica(const std::string& source_url,
                                         const std::string& replica_url,
                                         const std::vector<std::int64_t>& ids) {
  RepairReport report;
  if (ids.empty()) return report;
  try {
    auto replica = open(replica_url, "replica");
    auto source = open(source_url, "source");
    const auto id_list = idArray(ids);
    pqxx::work tx(*replica);
    tx.exec_params(kLockReplicaRows, id_list);

    std::vector<std::vector<std::string>> columns(10);
    std::vector<std::int64_t> found;
    {
      pqxx::nontransaction read(*source);
      for (const auto& row : read.exec_params(kSourceRows, id_list)) {
        found.push_back(row[0].as<std::int64_t>());
        for (int i = 0; i < 10; ++i) columns[static_cast<std::size_t>(i)].push_back(row[i].c_str());
      }
    }
    if (!found.empty()) {
      tx.exec_params(kRewrite, textArrayLiteral(columns[0]), textArrayLiteral(columns[1]),
                     textArrayLiteral(columns[2]), textArrayLiteral(columns[3]),
                     textArrayLiteral(columns[4]), textArrayLiteral(columns[5]),
                     textArrayLiteral(columns[6]), textArrayLiteral(columns[7]),
                     textArrayLiteral(columns[8]), textArrayLiteral(columns[9]));
    }
    report.rewritten = found.size();
    report.deleted = tx.exec_params(kDeleteExtra, id_list, idArray(found)).affected_rows();
    tx.commit();
    return report;
  } catch (const Error& e) {
    return e;
  } catch (const std::exception& e) {
    return core::db::translateException(e);
  }
}

}  // namespace replication
