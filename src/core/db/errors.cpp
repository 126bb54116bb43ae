#include "core/db/errors.hpp"

#include <pqxx/pqxx>

namespace core::db {

Error translateException(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return {ErrorKind::kUnavailable, std::string("commit outcome unknown: ") + e.what()};
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return {ErrorKind::kUnavailable, std::string("database connection lost: ") + e.what()};
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    const std::string& state = sql->sqlstate();
    // 40001 serialization failure, 40P01 deadlock, 23505 unique violation.
    if (state == "40001" || state == "40P01" || state == "23505") {
      return {ErrorKind::kConflict, sql->what()};
    }
    // Class 08 connection exception, 57P0x admin shutdown / cannot connect now.
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
      return {ErrorKind::kUnavailable, sql->what()};
    }
    return {ErrorKind::kInternal, "SQL error " + state + ": " + sql->what()};
  }
  return {ErrorKind::kInternal, e.what()};
}

}  // namespace core::db
