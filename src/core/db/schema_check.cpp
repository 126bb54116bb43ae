#include "core/db/schema_check.hpp"

#include <pqxx/pqxx>

namespace core::db {

Status requireTable(pqxx::connection& connection, const std::string& table,
                    const std::string& migrations_folder) {
  pqxx::nontransaction tx(connection);
  if (tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", table)[0].as<bool>()) return {};
  return Error{ErrorKind::kNotFound, "the database has no " + table + " table: apply the " +
                                         migrations_folder +
                                         " migrations (pipeline-admin migrate "
                                         "--dir " +
                                         migrations_folder + ")"};
}

}  // namespace core::db
