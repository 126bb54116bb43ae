// What setup/test-startup.sh leaves behind for the tests and for a shell:
// an env file that names every port of the stack (so scripts run after
// sourcing it manage this stack, not another), and a PostgreSQL log free of
// the failed logins of a probe that connected under the wrong name.

#include <doctest/doctest.h>

#include <fstream>
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
