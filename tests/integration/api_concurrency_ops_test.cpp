// Concurrent writers keep per-customer outbox order equal to version order;
// requests that wait for the database hold up no others, shutdown drains them,
// batched reads answer each request with its own row; operational endpoints:
// health, readiness, metrics, OpenAPI, auth, request ids.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
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
        auto r = http.request(
            "PATCH", "/api/customers/" + std::to_string(id),
            R"({"name":"writer )" + std::to_string(t) + " " + std::to_string(i) + "\"}");
        if (r.status == 200) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == kThreads * kUpdates);

  for (int id = 1; id <= 2; ++id) {
    CAPTURE(id);
    const auto rows = api.query(
        "SELECT aggregate_version FROM outbox WHERE aggregate_id = " + std::to_string(id) +
        " AND event_type LIKE 'customer.%' ORDER BY id");
    int expected = 1;
    for (const auto& row : rows) CHECK(row[0].as<int>() == expected++);
    CHECK(api.scalar("SELECT version FROM customers WHERE id = " + std::to_string(id)) ==
          expected - 1);
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
  core::db::ConnectionPool pool(
      {"postgresql://postgres@127.0.0.1:1/none", 1, std::chrono::seconds(1), 1,
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

  auto ok = http.request("POST", "/api/customers", kBody,
                         {"Authorization: Bearer s3cret-token-0123456789"});
  CHECK(ok.status == 201);
  CHECK(std::string(testing::parseJson(ok.body)["created_by"].GetString()) == "alice");
  CHECK(http.get("/healthz").status == 200);  // probes stay open
}

TEST_CASE(
    "the request id is echoed when given and generated otherwise and keep-alive is explicit") {
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

namespace {

// Holds customer `id` locked in its own transaction until release().
class RowLock {
 public:
  RowLock(const std::string& url, std::int64_t id) : connection_(url), tx_(connection_) {
    tx_.exec("SELECT 1 FROM customers WHERE id = " + std::to_string(id) + " FOR UPDATE");
  }
  void release() { tx_.abort(); }

 private:
  pqxx::connection connection_;
  pqxx::work tx_;
};

// True once some session of the API waits for a row lock.
bool apiWaitsForLock(const ApiFixture& api) {
  return testing::waitUntil([&] {
    return api.scalar(
               "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
               "AND datname = current_database()") > 0;
  });
}

// Renames customer 1 on a client of its own while `lock` holds the row;
// returns once the API's transaction waits for the lock.
std::future<testing::HttpResult> patchBehindLock(const ApiFixture& api, const std::string& name) {
  auto patched = std::async(std::launch::async, [url = api.baseUrl(), name] {
    HttpClient http(url);
    return http.request("PATCH", "/api/customers/1", R"({"name":")" + name + "\"}");
  });
  REQUIRE(apiWaitsForLock(api));
  return patched;
}

}  // namespace

TEST_CASE(
    "a request waiting for the database does not hold up other requests on the same reactor") {
  ApiFixture api({}, 1);  // one reactor thread serves every connection
  HttpClient setup(api.baseUrl());
  REQUIRE(setup.request("POST", "/api/customers", kBody).status == 201);
  REQUIRE(setup.request("POST", "/api/customers", kBody).status == 201);

  RowLock lock(api.databaseUrl(), 1);
  auto blocked = patchBehindLock(api, "after the lock");

  auto others = std::async(std::launch::async, [&] {
    HttpClient http(api.baseUrl());
    return std::make_pair(http.get("/api/customers/2").status, http.get("/healthz").status);
  });
  const bool answered = others.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  lock.release();
  REQUIRE(answered);
  CHECK(others.get() == std::make_pair(200L, 200L));
  auto patched = blocked.get();
  CHECK(patched.status == 200);
  CHECK(std::string(testing::parseJson(patched.body)["name"].GetString()) == "after the lock");
}

TEST_CASE("stopping the server answers the requests in progress and refuses new ones with 503") {
  ApiFixture api;
  HttpClient setup(api.baseUrl());
  REQUIRE(setup.request("POST", "/api/customers", kBody).status == 201);

  RowLock lock(api.databaseUrl(), 1);
  auto in_progress = patchBehindLock(api, "finished while stopping");
  auto stopped = std::async(std::launch::async, [&] { api.server().stop(); });
  // Until the request in progress is answered the server still listens, and says no.
  testing::HttpResult refused;
  REQUIRE(testing::waitUntil([&] {
    refused = setup.get("/api/customers/1");
    return refused.status == 503;
  }));
  CHECK(std::string(testing::parseJson(refused.body)["error"].GetString()) == "unavailable");
  CHECK(refused.header("connection") == "Close");
  CHECK(stopped.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);

  lock.release();
  auto answered = in_progress.get();
  CHECK(answered.status == 200);
  REQUIRE(stopped.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(api.scalar("SELECT version FROM customers WHERE id = 1") == 2);
}

TEST_CASE("concurrent reads by id, answered in shared queries, each get their own customer") {
  ApiFixture api;
  HttpClient setup(api.baseUrl());
  for (int i = 0; i < 20; ++i) {
    const std::string body =
        R"({"name":"Reader )" + std::to_string(i + 1) + R"(","phone":"12345","email":"r@b.co"})";
    REQUIRE(setup.request("POST", "/api/customers", body).status == 201);
  }
  REQUIRE(setup.request("DELETE", "/api/customers/20").status == 204);
  // One query for several ids: deleted and unknown ids are left out, duplicates are harmless.
  auto many = api.store().getMany({1, 2, 20, 21, 1});
  REQUIRE(many);
  CHECK(many->size() == 2);
  CHECK(many->at(2).name == "Reader 2");

  constexpr int kThreads = 8;
  std::atomic<int> right{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient http(api.baseUrl());
      for (int i = 0; i < 60; ++i) {
        const int id = 1 + (t * 7 + i) % 22;  // 1..19 live, 20 deleted, 21 and 22 never existed
        auto r = http.get("/api/customers/" + std::to_string(id));
        bool ok = false;
        if (id <= 19) {
          ok = r.status == 200 &&
               r.body.find("\"name\":\"Reader " + std::to_string(id) + "\"") != std::string::npos &&
               r.header("etag") == "\"1\"";
        } else {
          ok = r.status == 404;
        }
        ++(ok ? right : wrong);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
  CHECK(right == kThreads * 60);
  // Every one of them went through the batched reader.
  const std::string metrics = api.metrics().render();
  const auto at = metrics.find("\napi_read_batch_size_sum ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(metrics.substr(at + 25)) == kThreads * 60);
  CHECK(metrics.find("\napi_worker_queue_length ") != std::string::npos);
}

TEST_CASE(
    "a client that leaves before its answer changes nothing else: the server serves on and stops "
    "at once") {
  ApiFixture api;
  HttpClient setup(api.baseUrl());
  REQUIRE(setup.request("POST", "/api/customers", kBody).status == 201);

  RowLock lock(api.databaseUrl(), 1);
  {
    const std::string body = R"({"name":"nobody reads this answer"})";
    const std::string request =
        "PATCH /api/customers/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(
        static_cast<std::uint16_t>(std::stoi(api.baseUrl().substr(api.baseUrl().rfind(':') + 1))));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    REQUIRE(send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    REQUIRE(apiWaitsForLock(api));
    close(fd);  // gone before the answer
  }
  lock.release();
  // The change itself commits (the client only lost the answer), and the server goes on.
  CHECK(testing::waitUntil(
      [&] { return api.scalar("SELECT version FROM customers WHERE id = 1") == 2; }));
  CHECK(setup.get("/api/customers/1").status == 200);
  const auto started = std::chrono::steady_clock::now();
  api.server().stop();
  CHECK(std::chrono::steady_clock::now() - started <
        std::chrono::seconds(2));  // nothing left in flight
}
