// What setup/test-startup.sh leaves behind for the tests and for a shell:
// an env file that names every port of the stack (so scripts run after
// sourcing it manage this stack, not another), and a PostgreSQL log free of
// the failed logins of a probe that connected under the wrong name, and a
// relay URL over the cluster's Unix socket that logs in with its password.

#include <doctest/doctest.h>

#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "support/test_env.hpp"

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("the stack's env file exports every port, the metrics ports included") {
  const auto var_dir = testing::requiredEnv("OUTBOX_VAR_DIR");
  const auto env = readFile(var_dir + "/env");
  for (const char* name :
       {"PG_PORT=", "KAFKA_PORT=", "SMTP_PORT=", "API_PORT=", "RELAY_METRICS_PORT=",
        "REPLICATION_METRICS_PORT=", "NOTIFICATION_METRICS_PORT="}) {
    CAPTURE(name);
    CHECK(env.find(name) != std::string::npos);
  }
}

TEST_CASE("the readiness probe of PostgreSQL logs in as a role that exists") {
  const auto log = readFile(testing::requiredEnv("OUTBOX_VAR_DIR") + "/log/postgres.log");
  CHECK(log.find("role \"root\" does not exist") == std::string::npos);
}

TEST_CASE("the relay's URL goes over the cluster's Unix socket and logs in as outbox_relay") {
  const auto url = testing::requiredEnv("RELAY_DATABASE_URL");
  CHECK(url.find("%2Fpg-socket:") != std::string::npos);
  pqxx::connection relay(url);
  pqxx::nontransaction tx(relay);
  const auto row = tx.exec1("SELECT current_user, inet_server_addr() IS NULL");
  CHECK(row[0].as<std::string>() == "outbox_relay");
  CHECK(row[1].as<bool>());  // no server address: not TCP
}
