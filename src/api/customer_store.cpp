#include "api/customer_store.hpp"

#include <pqxx/pqxx>

#include "core/db/customer_row.hpp"
#include "core/db/errors.hpp"
#include "core/db/outbox_row.hpp"
#include "core/json/codec.hpp"

namespace api {

using core::Error;
using core::ErrorKind;
using core::Result;
using core::db::kCustomerColumnCount;
using core::db::readCustomer;
using core::domain::CrudEventType;
using core::domain::Customer;

namespace {

constexpr const char* kGet =
    "SELECT " CUSTOMER_COLUMNS("") " FROM customers WHERE id = $1 AND NOT deleted";
constexpr const char* kGetMany =
    "SELECT " CUSTOMER_COLUMNS("") " FROM customers WHERE id = ANY($1::bigint[]) AND NOT deleted";

constexpr const char* kInsert =
    "INSERT INTO customers (name, phone, email, created_on, updated_on, created_by, updated_by) "
    "VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp(), $4, $4) "
    "RETURNING " CUSTOMER_COLUMNS("");

// The CTE locks the current row (waiting for a concurrent writer, then seeing
// its result), the UPDATE applies the change; RETURNING gives before and after.
#define LOCKED_OLD_ROW \
  "WITH old AS (SELECT * FROM customers WHERE id = $1 AND NOT deleted FOR UPDATE) "
constexpr const char* kUpdate = LOCKED_OLD_ROW
    "UPDATE customers AS c SET name = COALESCE($2, old.name), phone = COALESCE($3, old.phone), "
    "email = COALESCE($4, old.email), version = old.version + 1, updated_on = clock_timestamp(), "
    "updated_by = $5 FROM old WHERE c.id = old.id AND ($6::integer IS NULL OR old.version = "
    "$6::integer) "
    "AND (COALESCE($2, old.name), COALESCE($3, old.phone), COALESCE($4, old.email)) "
    "IS DISTINCT FROM (old.name, old.phone, old.email) "
    "RETURNING " CUSTOMER_COLUMNS("old.") ", " CUSTOMER_COLUMNS("c.");
constexpr const char* kDelete = LOCKED_OLD_ROW
    "UPDATE customers AS c SET deleted = true, version = old.version + 1, "
    "updated_on = clock_timestamp(), updated_by = $2 "
    "FROM old WHERE c.id = old.id AND ($3::integer IS NULL OR old.version = $3::integer) "
    "RETURNING " CUSTOMER_COLUMNS("old.") ", " CUSTOMER_COLUMNS("c.");
// Why an update or delete changed no row: gone, another version, or (an
// update only) nothing to change. The row is already locked by then.
constexpr const char* kWhyUnchanged =
    "SELECT " CUSTOMER_COLUMNS("") " FROM customers WHERE id = $1";

// Both outbox rows in one statement, each bound from a core::db::OutboxRow
// (outboxRow below). The CRUD payload learns its own outbox id here.
constexpr const char* kInsertOutbox =
    "WITH ids AS (SELECT nextval('outbox_id_seq') AS crud_id, nextval('outbox_id_seq') AS mail_id) "
    "INSERT INTO outbox (id, " OUTBOX_INSERT_COLUMNS
    ") SELECT crud_id, $1::text, $2::text, $3::text, $4::bigint, $5::integer, $6::text, "
    "jsonb_set($7::jsonb, '{outbox_id}', to_jsonb(crud_id)), $8::jsonb FROM ids "
    "UNION ALL "
    "SELECT mail_id, $9::text, $10::text, $11::text, $12::bigint, $13::integer, $14::text, "
    "$15::jsonb, $16::jsonb FROM ids";

constexpr const char* kFindKey =
    "SELECT request_hash, customer_id, customer_version, response_body FROM idempotency_keys "
    "WHERE key = $1 AND created_at > now() - interval '24 hours'";
// An expired key is taken over; a live one makes this insert nothing.
constexpr const char* kInsertKey =
    "INSERT INTO idempotency_keys (key, request_hash, customer_id, customer_version, "
    "response_body) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET request_hash = "
    "EXCLUDED.request_hash, "
    "customer_id = EXCLUDED.customer_id, customer_version = EXCLUDED.customer_version, "
    "response_body = EXCLUDED.response_body, created_at = now() "
    "WHERE idempotency_keys.created_at <= now() - interval '24 hours' RETURNING key";

constexpr const char* kPurgeKeys =
    "DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys "
    "WHERE created_at <= now() - interval '24 hours' LIMIT $1)";

}  // namespace

CustomerStore::CustomerStore(core::db::ConnectionPool& pool, EventTopics topics,
                             core::metrics::Registry& metrics)
    : pool_(pool),
      topics_(std::move(topics)),
      crud_rows_(metrics.counter("outbox_rows_written_total", "Outbox rows committed by the API",
                                 {{"topic", topics_.crud}})),
      notification_rows_(metrics.counter("outbox_rows_written_total",
                                         "Outbox rows committed by the API",
                                         {{"topic", topics_.notification}})) {}

void CustomerStore::prepareStatements(pqxx::connection& c) {
  c.prepare("customer_get", kGet);
  c.prepare("customer_get_many", kGetMany);
  c.prepare("customer_insert", kInsert);
  c.prepare("customer_update", kUpdate);
  c.prepare("customer_delete", kDelete);
  c.prepare("customer_why_unchanged", kWhyUnchanged);
  c.prepare("outbox_insert", kInsertOutbox);
  c.prepare("idempotency_find", kFindKey);
  c.prepare("idempotency_insert", kInsertKey);
  c.prepare("idempotency_purge", kPurgeKeys);
  prepareListStatements(c);
}

namespace {

void insertOutbox(pqxx::work& tx, const ChangeEvents& events) {
  const auto& crud = events.crud;
  const auto& mail = events.notification;
  tx.exec_prepared("outbox_insert", crud.topic, crud.key, crud.aggregate_type, crud.aggregate_id,
                   crud.aggregate_version, crud.event_type, crud.payload,
                   core::db::encodeHeaders(crud.headers), mail.topic, mail.key, mail.aggregate_type,
                   mail.aggregate_id, mail.aggregate_version, mail.event_type, mail.payload,
                   core::db::encodeHeaders(mail.headers));
}

}  // namespace

Result<std::optional<Customer>> CustomerStore::get(std::int64_t id) {
  auto found = getMany({id});
  if (!found) return found.error();
  auto it = found->find(id);
  if (it == found->end()) return std::optional<Customer>();
  return std::optional<Customer>(std::move(it->second));
}

Result<std::unordered_map<std::int64_t, Customer>> CustomerStore::getMany(
    const std::vector<std::int64_t>& ids) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  return core::db::guarded([&]() -> Result<std::unordered_map<std::int64_t, Customer>> {
    pqxx::nontransaction tx(**lease);
    pqxx::result rows;
    if (ids.size() == 1) {
      rows = tx.exec_prepared("customer_get", ids[0]);
    } else {
      std::string array = "{";
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) array += ',';
        array += std::to_string(ids[i]);
      }
      array += '}';
      rows = tx.exec_prepared("customer_get_many", array);
    }
    std::unordered_map<std::int64_t, Customer> out;
    for (const auto& row : rows) {
      auto customer = readCustomer(row, 0);
      out.emplace(customer.id, std::move(customer));
    }
    return out;
  });
}

Result<std::optional<CreateOutcome>> CustomerStore::findKey(pqxx::connection& connection,
                                                            const IdempotencyKey& key) {
  return core::db::guarded([&]() -> Result<std::optional<CreateOutcome>> {
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec_prepared("idempotency_find", key.key);
    if (rows.empty()) return std::optional<CreateOutcome>{};
    CreateOutcome outcome;
    if (key.request_hash != rows[0][0].c_str()) {
      outcome.kind = CreateOutcome::Kind::kKeyReused;
      return std::optional<CreateOutcome>{outcome};
    }
    outcome.kind = CreateOutcome::Kind::kReplayed;
    outcome.customer_id = rows[0][1].as<std::int64_t>();
    outcome.version = rows[0][2].as<std::int32_t>();
    outcome.replayed_body = rows[0][3].c_str();
    return std::optional<CreateOutcome>{outcome};
  });
}

Result<CreateOutcome> CustomerStore::create(const CustomerInput& input, const std::string& actor,
                                            const std::optional<IdempotencyKey>& key) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  if (key) {
    auto earlier = findKey(**lease, *key);
    if (!earlier) return earlier.error();
    if (earlier->has_value()) return **earlier;
  }
  auto created = core::db::guarded([&]() -> Result<std::optional<CreateOutcome>> {
    pqxx::work tx(**lease);
    const auto row =
        tx.exec_prepared1("customer_insert", input.name, input.phone, input.email, actor);
    CreateOutcome outcome;
    outcome.customer = readCustomer(row, 0);
    outcome.customer_id = outcome.customer.id;
    outcome.version = outcome.customer.version;
    insertOutbox(
        tx, buildChangeEvents(CrudEventType::kCreated, std::nullopt, outcome.customer, topics_));
    if (key) {
      const auto stored =
          tx.exec_prepared("idempotency_insert", key->key, key->request_hash, outcome.customer.id,
                           outcome.customer.version, core::json::encodeCustomer(outcome.customer));
      // A concurrent request with this key committed first: drop our work.
      if (stored.empty()) return std::optional<CreateOutcome>{};
    }
    tx.commit();
    return std::optional<CreateOutcome>{outcome};
  });
  if (!created) return created.error();
  if (created->has_value()) {
    crud_rows_.increment();
    notification_rows_.increment();
    return **created;
  }
  auto winner = findKey(**lease, *key);
  if (!winner) return winner.error();
  if (!winner->has_value()) return Error{ErrorKind::kConflict, "idempotency key in use; retry"};
  return **winner;
}

Result<Customer> CustomerStore::update(std::int64_t id, const CustomerPatch& patch,
                                       std::optional<std::int32_t> expected_version,
                                       const std::string& actor) {
  return change(CrudEventType::kUpdated, id, patch, expected_version, actor);
}

Result<Customer> CustomerStore::remove(std::int64_t id,
                                       std::optional<std::int32_t> expected_version,
                                       const std::string& actor) {
  return change(CrudEventType::kDeleted, id, {}, expected_version, actor);
}

Result<Customer> CustomerStore::change(CrudEventType type, std::int64_t id,
                                       const CustomerPatch& patch,
                                       std::optional<std::int32_t> expected_version,
                                       const std::string& actor) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  bool unchanged = false;
  auto result = core::db::guarded([&]() -> Result<Customer> {
    pqxx::work tx(**lease);
    const auto rows = type == CrudEventType::kDeleted
                          ? tx.exec_prepared("customer_delete", id, actor, expected_version)
                          : tx.exec_prepared("customer_update", id, patch.name, patch.phone,
                                             patch.email, actor, expected_version);
    if (rows.empty()) {
      const auto state = tx.exec_prepared("customer_why_unchanged", id);
      if (state.empty()) {
        return Error{ErrorKind::kNotFound, "customer " + std::to_string(id) + " not found"};
      }
      Customer current = readCustomer(state[0], 0);
      if (current.deleted) {
        return Error{ErrorKind::kNotFound, "customer " + std::to_string(id) + " not found"};
      }
      if (expected_version && *expected_version != current.version) {
        return Error{ErrorKind::kPreconditionFailed,
                     "customer " + std::to_string(id) + " is at version " +
                         std::to_string(current.version) + ", not " +
                         std::to_string(*expected_version)};
      }
      // An update that changes nothing: no new version, no events, no e-mail.
      unchanged = true;
      return current;
    }
    const Customer before = readCustomer(rows[0], 0);
    const Customer after = readCustomer(rows[0], kCustomerColumnCount);
    insertOutbox(tx, buildChangeEvents(type, before, after, topics_));
    tx.commit();
    return after;
  });
  if (result && !unchanged) {
    crud_rows_.increment();
    notification_rows_.increment();
  }
  return result;
}

core::Status CustomerStore::ping() {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  return core::db::guarded([&]() -> core::Status {
    pqxx::nontransaction tx(**lease);
    tx.exec("SELECT 1");
    return {};
  });
}

core::Result<std::size_t> CustomerStore::purgeExpiredKeys(std::size_t batch) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  return core::db::guarded([&]() -> core::Result<std::size_t> {
    pqxx::nontransaction tx(**lease);
    return tx.exec_prepared("idempotency_purge", static_cast<std::int64_t>(batch)).affected_rows();
  });
}

}  // namespace api
