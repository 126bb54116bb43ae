#include "core/db/connect.hpp"

#include "core/db/connection_url.hpp"

namespace core::db {

Result<std::unique_ptr<pqxx::connection>> openConnection(const std::string& url,
                                                         int connect_timeout_seconds,
                                                         const std::string& label) {
  try {
    return std::make_unique<pqxx::connection>(withConnectTimeout(url, connect_timeout_seconds));
  } catch (const std::exception& e) {
    return Error{ErrorKind::kUnavailable,
                 label + " " + redactPassword(url) + " unreachable: " + e.what()};
  }
}

}  // namespace core::db
