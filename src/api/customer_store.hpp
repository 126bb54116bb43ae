#pragma once
// All SQL of the customer API. Every write is ONE transaction: lock (or
// insert) the customer row first, then insert its outbox rows, then commit.
// Because the row lock comes first, one customer's outbox ids follow its
// version order.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/change_events.hpp"
#include "api/customer_input.hpp"
#include "api/customer_list.hpp"
#include "core/db/pool.hpp"
#include "core/domain/customer.hpp"
#include "core/metrics/registry.hpp"
#include "core/result.hpp"

namespace api {

struct IdempotencyKey {
  std::string key;
  std::string request_hash;
};

struct CreateOutcome {
  enum class Kind { kCreated, kReplayed, kKeyReused };
  Kind kind = Kind::kCreated;
  core::domain::Customer customer;  // kCreated
  std::int64_t customer_id = 0;     // kCreated, kReplayed
  std::int32_t version = 0;         // kCreated, kReplayed
  std::string replayed_body;        // kReplayed: the first response's body
};

class CustomerStore {
 public:
  CustomerStore(core::db::ConnectionPool& pool, EventTopics topics,
                core::metrics::Registry& metrics);

  // Registers the prepared statements on a new pooled connection.
  static void prepareStatements(pqxx::connection& connection);

  // Nothing when the customer does not exist or is deleted.
  core::Result<std::optional<core::domain::Customer>> get(std::int64_t id);
  // Customers that exist and are not deleted, by id; missing ids are left out.
  core::Result<std::unordered_map<std::int64_t, core::domain::Customer>> getMany(
      const std::vector<std::int64_t>& ids);
  // One page in the query's order; with its total (capped) when asked for.
  // Defined in customer_list_store.cpp.
  core::Result<Page> list(const ListQuery& query);
  // With a key seen before: the first request's outcome (kReplayed), or
  // kKeyReused when that key came with a different request.
  core::Result<CreateOutcome> create(const CustomerInput& input, const std::string& actor,
                                     const std::optional<IdempotencyKey>& key);
  // PUT passes every field, PATCH only the present ones.
  core::Result<core::domain::Customer> update(std::int64_t id, const CustomerPatch& patch,
                                              std::optional<std::int32_t> expected_version,
                                              const std::string& actor);
  core::Result<core::domain::Customer> remove(std::int64_t id,
                                              std::optional<std::int32_t> expected_version,
                                              const std::string& actor);
  core::Status ping();
  // Deletes idempotency keys older than 24 h, at most `batch` of them; returns how many.
  core::Result<std::size_t> purgeExpiredKeys(std::size_t batch);

 private:
  static void prepareListStatements(pqxx::connection& connection);
  core::Result<core::domain::Customer> change(core::domain::CrudEventType type, std::int64_t id,
                                              const CustomerPatch& patch,
                                              std::optional<std::int32_t> expected_version,
                                              const std::string& actor);
  core::Result<std::optional<CreateOutcome>> findKey(pqxx::connection& connection,
                                                     const IdempotencyKey& key);

  core::db::ConnectionPool& pool_;
  EventTopics topics_;
  core::metrics::Counter& crud_rows_;
  core::metrics::Counter& notification_rows_;
};

}  // namespace api
