#include "core/db/customer_row.hpp"

namespace core::db {

core::domain::Customer readCustomer(const pqxx::row& row, int first) {
  core::domain::Customer c;
  c.id = row[first].as<std::int64_t>();
  c.name = row[first + 1].c_str();
  c.phone = row[first + 2].c_str();
  c.email = row[first + 3].c_str();
  c.deleted = row[first + 4].as<bool>();
  c.version = row[first + 5].as<std::int32_t>();
  c.created_on.micros_since_epoch = row[first + 6].as<std::int64_t>();
  c.updated_on.micros_since_epoch = row[first + 7].as<std::int64_t>();
  c.created_by = row[first + 8].c_str();
  c.updated_by = row[first + 9].c_str();
  return c;
}

}  // namespace core::db
