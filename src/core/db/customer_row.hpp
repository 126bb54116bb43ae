#pragma once
// The customer columns a statement selects, and reading them back: the API's
// store, and the replication worker's after-restore (whose replica table has
// the same columns).

#include <pqxx/pqxx>

#include "core/domain/customer.hpp"

// Timestamps travel as microseconds since the epoch: exact, no time-zone parsing.
// `p` is a table alias with its dot ("old.") or "".
#define CUSTOMER_COLUMNS(p)                                   \
  p "id, " p "name, " p "phone, " p "email, " p "deleted, " p \
    "version, "                                               \
    "(extract(epoch FROM " p                                  \
    "created_on) * 1000000)::bigint, "                        \
    "(extract(epoch FROM " p "updated_on) * 1000000)::bigint, " p "created_by, " p "updated_by"

namespace core::db {

inline constexpr int kCustomerColumnCount = 10;

// The customer whose CUSTOMER_COLUMNS start at column `first` of `row`.
core::domain::Customer readCustomer(const pqxx::row& row, int first);

}  // namespace core::db
