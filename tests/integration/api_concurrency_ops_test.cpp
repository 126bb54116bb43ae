// Concurrent writers keep per-customer outbox order equal to version order;
// operational endpoints: health, readiness, metrics, OpenAPI, auth, request ids.

#include <doctest/doctest.h>

#include <thread>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {
const std::string kBody = R"({"name":"A","phone":"12345","email":"a@b.co"})";
}  // namespace

TEST_CASE("concurrent updates of one customer: outbox order per customer equals version order") {
  ApiFixture api({}, 6);
  HttpClient setup(api.baseUrl());
  REQUIRE(setup.request("POST", "/api/customers", kBody).status == 201);
  REQUIRE(setup.request("POST", "/api/customers", kBody).status == 201);

  constexpr int kThreads = 6;
  constexpr int kUpdates = 15;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t]() {
      HttpClient http(api.baseUrl());
      for (int i = 0; i < kUpdates; ++i) {
        const auto id = (i % 2) + 1;  // two customers, interleaved
        auto r = http.request("PATCH", "/api/customers/" + std::to_string(id),
                              R"({"name":"writer )" + std::to_string(t) + " " + std::to_string(i) + "\"}");
        if (r.status == 200) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == kThreads * kUpdates);

  for (int id = 1; id <= 2; ++id) {
    CAPTURE(id);
    const auto rows = api.query("SELECT aggregate_version FROM outbox WHERE aggregate_id = " +
                                std::to_string(id) + " AND event_type LIKE 'customer.%' ORDER BY id");
    int expected = 1;
    for (const auto& row : rows) CHECK(row[0].as<int>() == expected++);
    CHECK(api.scalar("SELECT version FROM customers WHERE id = " + std::to_string(id)) == expected - 1);
  }
  CHECK(api.scalar("SELECT sum(version) FROM customers") == 2 + kThreads * kUpdates);
}

TEST_CASE("healthz, readyz, metrics and openapi.json answer") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers", kBody).status == 201);
  REQUIRE(http.get("/api/customers/77").status == 404);

  CHECK(http.get("/healthz").status == 200);
  CHECK(http.get("/readyz").status == 200);

  auto metrics = http.get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type").find("text/plain") == 0);
  for (const char* expected :
       {"http_requests_total{route=\"/api/customers\",method=\"POST\",status=\"201\"} 1",
        "http_requests_total{route=\"/api/customers/{id}\",method=\"GET\",status=\"404\"} 1",
        "http_request_duration_seconds_bucket{route=\"/api/customers\",le=\"+Inf\"} 1",
        "outbox_rows_written_total{topic=\"MICROSERVICE-CUSTOMER-UPDATES\"} 1",
        "outbox_rows_written_total{topic=\"MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION\"} 1"}) {
    CHECK_MESSAGE(metrics.body.find(expected) != std::string::npos, std::string(expected));
  }

  auto spec = http.get("/openapi.json");
  CHECK(spec.status == 200);
  const auto doc = testing::parseJson(spec.body);
  CHECK(std::string(doc["openapi"].GetString()).rfind("3.", 0) == 0);
  CHECK(doc["paths"].HasMember("/api/customers"));
  CHECK(doc["paths"]["/api/customers/{id}"].HasMember("patch"));
  CHECK(doc["paths"]["/api/customers/{id}"]["put"]["responses"].HasMember("412"));
  CHECK(doc["paths"]["/api/customers"]["post"]["responses"].HasMember("422"));
}

TEST_CASE("readyz is 503 when the database cannot be reached") {
  core::metrics::Registry metrics;
  core::db::ConnectionPool pool({"postgresql://postgres@127.0.0.1:1/none", 1, std::chrono::seconds(1), 1,
                                 [](pqxx::connection& c) { api::CustomerStore::prepareStatements(c); }});
  api::CustomerStore store(pool, {}, metrics);
  auto service = std::make_shared<api::ApiService>(store, metrics, api::ServiceOptions{});
  api::ServerOptions options;
  options.port = 0;
  api::HttpServer server(service, options);
  server.start();
  HttpClient http("http://127.0.0.1:" + std::to_string(server.port()));
  CHECK(http.get("/healthz").status == 200);
  auto ready = http.get("/readyz");
  CHECK(ready.status == 503);
  auto write = http.request("POST", "/api/customers", kBody);
  CHECK(write.status == 503);
  CHECK(std::string(testing::parseJson(write.body)["error"].GetString()) == "unavailable");
}

TEST_CASE("with tokens configured every /api request needs a valid bearer token") {
  api::ServiceOptions options;
  options.tokens = {{"s3cret-token-0123456789", "alice"}};
  ApiFixture api(options);
  HttpClient http(api.baseUrl());
  auto none = http.request("POST", "/api/customers", kBody);
  CHECK(none.status == 401);
  CHECK(none.header("www-authenticate") == "Bearer");
  CHECK(http.get("/api/customers", {"Authorization: Bearer wrong-token-0123456789"}).status == 401);
  CHECK(http.get("/api/customers", {"Authorization: Basic YWxpY2U6eA=="}).status == 401);
  CHECK(api.scalar("SELECT count(*) FROM customers") == 0);

  auto ok = http.request("POST", "/api/customers", kBody, {"Authorization: Bearer s3cret-token-0123456789"});
  CHECK(ok.status == 201);
  CHECK(std::string(testing::parseJson(ok.body)["created_by"].GetString()) == "alice");
  CHECK(http.get("/healthz").status == 200);  // probes stay open
}

TEST_CASE("the request id is echoed when given and generated otherwise and keep-alive is explicit") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto given = http.get("/healthz", {"X-Request-Id: trace-abc.123"});
  CHECK(given.header("x-request-id") == "trace-abc.123");
  auto generated = http.get("/healthz");
  CHECK(generated.header("x-request-id").size() == 36);
  auto hostile = http.get("/healthz", {"X-Request-Id: bad id\twith spaces"});
  CHECK(hostile.header("x-request-id").size() == 36);
  CHECK(generated.header("connection") == "Keep-Alive");
}

TEST_CASE("the web UI is served from the web root, and paths cannot leave it") {
  api::ServiceOptions options;
  options.web_root = testing::sourcePath("web");
  ApiFixture api(options);
  HttpClient http(api.baseUrl());
  auto index = http.get("/");
  CHECK(index.status == 200);
  CHECK(index.header("content-type").find("text/html") == 0);
  CHECK(http.get("/../CMakeLists.txt").status == 404);
  CHECK(http.get("/%2e%2e/CMakeLists.txt").status == 404);
  CHECK(http.get("/.hidden").status == 404);
  CHECK(http.get("/no-such-page.html").status == 404);
}
