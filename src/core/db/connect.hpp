#pragma once
// Opening one PostgreSQL connection, for everything that does not go through
// the pool: the sessions, the start-up check and pipeline-admin.

#include <memory>
#include <pqxx/connection>
#include <string>

#include "core/result.hpp"

namespace core::db {

// Opens a connection that gives up after connect_timeout_seconds. Whatever
// stops it (server down, refused login, no such database) is kUnavailable:
// "<label> <url without password> unreachable: <libpq's reason>".
Result<std::unique_ptr<pqxx::connection>> openConnection(const std::string& url,
                                                         int connect_timeout_seconds,
                                                         const std::string& label = "database");

}  // namespace core::db
