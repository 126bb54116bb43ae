#include "core/db/session.hpp"

#include <doctest/doctest.h>

// Nothing here reaches a server: the URL points at a closed port, and these
// paths must not even try it (tests/integration/db_session_test.cpp does).

namespace {

core::db::SessionOptions unreachable() {
  core::db::SessionOptions options;
  options.url = "postgresql://postgres@127.0.0.1:1/none";
  return options;
}

}  // namespace

TEST_CASE("a new session has no connection and opens none by being made") {
  core::db::Session session(unreachable());
  CHECK_FALSE(session.connected());
  CHECK(session.options().connect_timeout_seconds == 5);
  CHECK(session.options().label == "database");
}

TEST_CASE("without reconnect_on_run, run() before connect() fails without connecting") {
  auto options = unreachable();
  options.label = "replica database";
  options.reconnect_on_run = false;
  core::db::Session session(std::move(options));
  bool ran = false;
  const auto result = session.run([&](pqxx::connection&) -> core::Result<int> {
    ran = true;
    return 1;
  });
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == core::ErrorKind::kUnavailable);
  CHECK(result.error().message == "no replica database session");
  CHECK_FALSE(ran);
}
