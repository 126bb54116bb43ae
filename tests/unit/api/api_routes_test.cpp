// The API's own route table, through ApiService without threads and without
// a database: which route a request takes, its metrics label, and what is
// answered before any handler runs (405 with Allow, 404, 401, 400, 413).

#include <doctest/doctest.h>

#include <optional>

#include "api/api_service.hpp"
#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"

using namespace api;

namespace {

// Nothing here reaches the database: the pool never connects.
struct Api {
  explicit Api(ServiceOptions options = {})
      : pool(core::db::PoolOptions{
            "postgresql://127.0.0.1:1/unused", 1, std::chrono::milliseconds(1), 1, {}}),
        store(pool, EventTopics{}, metrics),
        service(store, metrics, [&] {
          options.workers = 0;  // every answer on the calling thread
          return options;
        }()) {}

  HttpRequest request(const std::string& method, const std::string& path) const {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.headers["host"] = "localhost";
    return r;
  }
  RouteMatch route(const std::string& method, const std::string& path) const {
    return service.route(request(method, path)).match;
  }
  HttpResponse answer(HttpRequest r) {
    std::optional<HttpResponse> answered;
    service.serve(service.route(std::move(r)),
                  [&](HttpResponse response, const std::string&) { answered = response; });
    REQUIRE(answered.has_value());
    return *answered;
  }
  HttpResponse answer(const std::string& method, const std::string& path) {
    return answer(request(method, path));
  }

  core::metrics::Registry metrics;
  core::db::ConnectionPool pool;
  CustomerStore store;
  ApiService service;
};

std::string headerOf(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

ServiceOptions withToken() {
  ServiceOptions options;
  options.tokens = {{"0123456789abcdef0123", "ops"}};
  return options;
}

}  // namespace

TEST_CASE("each endpoint's route: who may call it, the thread it runs on, its metrics label") {
  const Api api;
  const auto check = [&](const char* method, const char* path, const char* label, Access access,
                         RunsOn runs_on) {
    CAPTURE(method);
    CAPTURE(path);
    const auto match = api.route(method, path);
    REQUIRE(match.route != nullptr);
    CHECK(match.label == label);
    CHECK(match.access == access);
    CHECK(match.route->runs_on == runs_on);
  };
  check("GET", "/healthz", "/healthz", Access::kPublic, RunsOn::kCaller);
  check("GET", "/readyz", "/readyz", Access::kPublic, RunsOn::kWorker);
  check("GET", "/metrics", "/metrics", Access::kPublic, RunsOn::kCaller);
  check("GET", "/openapi.json", "/openapi.json", Access::kPublic, RunsOn::kCaller);
  check("GET", "/api/customers", "/api/customers", Access::kToken, RunsOn::kWorker);
  check("POST", "/api/customers/", "/api/customers", Access::kToken, RunsOn::kWorker);
  check("GET", "/api/customers/123", "/api/customers/{id}", Access::kToken, RunsOn::kReader);
  check("PUT", "/api/customers/123", "/api/customers/{id}", Access::kToken, RunsOn::kWorker);
  check("PATCH", "/api/customers/123", "/api/customers/{id}", Access::kToken, RunsOn::kWorker);
  check("DELETE", "/api/customers/123", "/api/customers/{id}", Access::kToken, RunsOn::kWorker);
  CHECK(api.route("GET", "/api/customers/123").params.id == "123");
}

TEST_CASE("metrics labels are templates, not raw paths, also for paths no endpoint has") {
  const Api api;
  const auto label = [&](const std::string& path) { return api.route("GET", path).label; };
  CHECK(label("/api/customers") == "/api/customers");
  CHECK(label("/api/customers/") == "/api/customers");
  CHECK(label("/api/customers/123") == "/api/customers/{id}");
  CHECK(label("/api/customers/abc") == "/api/customers/{id}");
  CHECK(label("/api/customers/123/x") == "/api/unmatched");
  CHECK(label("/api/customers//1") == "/api/unmatched");
  CHECK(label("/api/orders") == "/api/unmatched");
  CHECK(label("/api") == "/static");  // as it was before the route table
  CHECK(label("/apix") == "/static");
  CHECK(label("/app.js") == "/static");
  CHECK(label("/") == "/static");
  CHECK(label("*") == "/static");
  CHECK(label("/metrics") == "/metrics");
  CHECK(label("/healthz/") == "/healthz");
  CHECK(api.route("DELETE", "/healthz").label == "/healthz");  // a 405 keeps its route's label
}

TEST_CASE("a method the path does not have is 405 with Allow, a path no endpoint has is 404") {
  Api api;
  const auto not_allowed = [&](const char* method, const char* path, const std::string& allow) {
    CAPTURE(method);
    CAPTURE(path);
    const auto response = api.answer(method, path);
    CHECK(response.status == 405);
    CHECK(headerOf(response, "Allow") == allow);
    CHECK(response.body ==
          R"({"error":"method_not_allowed","message":"allowed methods: )" + allow + R"("})");
  };
  not_allowed("POST", "/healthz", "GET");
  not_allowed("HEAD", "/readyz", "GET");
  not_allowed("PUT", "/metrics", "GET");
  not_allowed("DELETE", "/openapi.json", "GET");
  not_allowed("DELETE", "/api/customers", "GET, POST");
  not_allowed("POST", "/api/customers/7", "GET, PUT, PATCH, DELETE");
  not_allowed("POST", "/api/customers/abc", "GET, PUT, PATCH, DELETE");  // method before id

  auto response = api.answer("GET", "/api/customers/1/orders");
  CHECK(response.status == 404);
  CHECK(response.body ==
        R"({"error":"not_found","message":"no API resource at /api/customers/1/orders"})");
  CHECK(api.answer("POST", "/api/orders").status == 404);
  CHECK(api.answer("GET", "/api").status == 404);
  // No web root: every other path is 404, whatever the method.
  response = api.answer("POST", "/app.js");
  CHECK(response.status == 404);
  CHECK(response.body == R"({"error":"not_found","message":"page /app.js not found"})");
}

TEST_CASE("the small endpoints answer on the calling thread") {
  Api api;
  auto response = api.answer("GET", "/healthz/");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"status":"ok"})");
  response = api.answer("GET", "/openapi.json");
  CHECK(response.status == 200);
  CHECK(response.body.find("\"openapi\"") != std::string::npos);
  response = api.answer("GET", "/metrics");
  CHECK(response.status == 200);
  CHECK(response.content_type == "text/plain; version=0.0.4");
}

TEST_CASE("a customer id that is not a positive 64-bit integer is 400 naming the id") {
  Api api;
  for (const char* id : {"abc", "0", "-1", "9223372036854775808", "%31"}) {
    CAPTURE(id);
    const auto response = api.answer("GET", std::string("/api/customers/") + id);
    CHECK(response.status == 400);
    CHECK(response.body.find(R"("fields":{"id":"')" + std::string(id) + "' is not a customer id") !=
          std::string::npos);
  }
}

TEST_CASE("token routes check the token and the body limit before the method and the path") {
  Api api(withToken());
  auto response = api.answer("DELETE", "/api/customers");
  CHECK(response.status == 401);
  CHECK(headerOf(response, "WWW-Authenticate") == "Bearer");
  CHECK(api.answer("GET", "/api/orders").status == 401);
  CHECK(api.answer("GET", "/api").status == 401);
  CHECK(api.answer("GET", "/api/customers/abc").status == 401);
  // Public routes and the web UI need no token.
  CHECK(api.answer("GET", "/healthz").status == 200);
  CHECK(api.answer("GET", "/index.html").status == 404);

  auto with_token = [&](const std::string& method, const std::string& path) {
    auto r = api.request(method, path);
    r.headers["authorization"] = "Bearer 0123456789abcdef0123";
    return r;
  };
  CHECK(api.answer(with_token("DELETE", "/api/customers")).status == 405);
  CHECK(api.answer(with_token("GET", "/api/orders")).status == 404);
  auto big = with_token("DELETE", "/api/customers");
  big.body.assign(64 * 1024 + 1, 'x');
  CHECK(api.answer(big).status == 413);
  // A public route has no body limit of its own (the framing's limit applies).
  auto big_public = api.request("POST", "/healthz");
  big_public.body.assign(64 * 1024 + 1, 'x');
  CHECK(api.answer(big_public).status == 405);
}

TEST_CASE("a path or query that is not clean text is 400 before any route answers") {
  Api api;
  auto response = api.answer("GET", "/healthz%00");
  CHECK(response.status == 400);
  CHECK(response.body.find(R"("fields":{"path")") != std::string::npos);
  auto r = api.request("DELETE", "/api/customers");
  r.query["q"] = "a\x01";
  response = api.answer(r);
  CHECK(response.status == 400);
  CHECK(response.body.find(R"("q":"must be UTF-8 without control characters")") !=
        std::string::npos);
}
