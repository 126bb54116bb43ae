// GET /api/pipeline: the outbox and the relay leader as the database sees
// them, and the processes' figures read from their /metrics pages (here a
// status server of the same kind the daemons run, in this process).

#include <doctest/doctest.h>

#include "core/http/status_server.hpp"
#include "core/metrics/registry.hpp"
#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

rapidjson::Document pipeline(HttpClient& http) {
  auto r = http.get("/api/pipeline");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return testing::parseJson(r.body);
}

}  // namespace

TEST_CASE("the panel's outbox figures are the database's: backlog, parked, leader") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(http.request("POST", "/api/customers",
                         R"({"name":"N","phone":"+1 555 0100","email":"n@example.com"})")
                .status == 201);
  }
  auto status = pipeline(http);
  CHECK(status["outbox"]["backlog"].GetInt64() == 6);  // a CRUD and an e-mail row each
  CHECK(status["outbox"]["parked"].GetInt64() == 0);
  CHECK(status["outbox"]["last_published_at"].IsNull());
  CHECK(status["relay_leader"].IsNull());
  CHECK(status["processes"].Size() == 0);

  api.query("UPDATE outbox SET published_at = now() WHERE id = (SELECT min(id) FROM outbox)");
  api.query(
      "UPDATE outbox SET parked_at = now(), attempts = 5 WHERE id = (SELECT max(id) FROM outbox)");
  // A session that looks like the relay's and holds the leader lock.
  // As outbox_relay: customer_api sees another role's session only through
  // pg_read_all_stats (pipeline-admin create-roles grants it).
  pqxx::connection relay(api.databaseUrlAs(testing::Role::kRelay) +
                         "?application_name=outbox-relay");
  const auto pid = pqxx::nontransaction(relay).exec1("SELECT pg_backend_pid()")[0].as<int>();
  pqxx::nontransaction(relay).exec("SELECT pg_advisory_lock(123)");
  status = pipeline(http);
  CHECK(status["outbox"]["backlog"].GetInt64() == 4);
  CHECK(status["outbox"]["parked"].GetInt64() == 1);
  CHECK(status["outbox"]["last_published_at"].IsString());
  REQUIRE(status["relay_leader"].IsObject());
  CHECK(status["relay_leader"]["pid"].GetInt() == pid);
}

TEST_CASE("the panel's process figures agree with their /metrics, and a silent one shows down") {
  core::metrics::Registry relay_metrics;
  auto& published = relay_metrics.counter("outbox_published_total", "published");
  auto& latency = relay_metrics.histogram("outbox_commit_to_ack_seconds", "commit to ack");
  core::http::StatusServer relay_status(relay_metrics, []() { return std::string(); });
  REQUIRE(relay_status.start("127.0.0.1:0").ok());
  api::PipelineViewOptions views;
  views.metrics_interval = std::chrono::seconds(1);
  views.metrics_sources = {
      {"outbox-relay", "http://127.0.0.1:" + std::to_string(relay_status.port()) + "/metrics"},
      {"notification-worker", "http://127.0.0.1:9/metrics"}};  // nothing listens there
  ApiFixture api({}, 2, {}, views);
  HttpClient http(api.baseUrl());

  // The first scrape sees nothing yet; the interval after it sees all 40.
  REQUIRE(testing::waitUntil([&]() { return pipeline(http)["processes"][0]["up"].GetBool(); },
                             std::chrono::seconds(10), std::chrono::milliseconds(100)));
  published.increment(40);
  for (int i = 0; i < 40; ++i) latency.observe(0.004);
  rapidjson::Document status;
  CHECK(testing::waitUntil(
      [&]() {
        status = pipeline(http);
        return status["relay"]["published_total"].IsNumber() &&
               status["relay"]["published_total"].GetDouble() == 40 &&
               status["series"]["points"].Size() >= 1;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(200)));
  CHECK(status["processes"][0]["up"].GetBool());
  CHECK_FALSE(status["processes"][1]["up"].GetBool());
  CHECK(status["processes"][1]["error"].IsString());
  CHECK(status["email"]["sent_total"].IsNull());  // the worker never answered

  // The published rate shows in one point, and its latency is the observed one.
  bool rate_seen = false;
  CHECK(testing::waitUntil(
      [&]() {
        const auto now = pipeline(http);
        for (const auto& p : now["series"]["points"].GetArray()) {
          if (p["published_per_second"].GetDouble() > 0) {
            rate_seen =
                p["commit_to_ack_p50_ms"].IsNumber() && p["commit_to_ack_p50_ms"].GetDouble() <= 5;
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(200)));
  CHECK(rate_seen);
}
