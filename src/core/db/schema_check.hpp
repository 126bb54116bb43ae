#pragma once
// "Were the migrations applied?", asked the same way by every component that
// finds its table missing: a kNotFound that says which folder to apply.

#include <pqxx/connection>
#include <string>

#include "core/result.hpp"

namespace core::db {

// kNotFound "the database has no <table> table: apply the <folder> migrations
// (pipeline-admin migrate --dir <folder>)" when `table` does not exist.
Status requireTable(pqxx::connection& connection, const std::string& table,
                    const std::string& migrations_folder);

}  // namespace core::db
