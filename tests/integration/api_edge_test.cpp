// The edge policy over real HTTP: security headers on the UI and the API,
// CORS for the allow-listed origin only, and the Host guard while
// authentication is off.

#include <doctest/doctest.h>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

api::ServiceOptions edgeOptions() {
  api::ServiceOptions options;
  options.web_root = testing::sourcePath("web");
  options.edge.cors_origins = {"https://app.example.com"};
  options.edge.allowed_hosts = {"127.0.0.1", "localhost"};
  return options;
}

}  // namespace

TEST_CASE("the UI, the API and their errors carry the security headers") {
  ApiFixture api(edgeOptions());
  HttpClient http(api.baseUrl());
  for (const char* path :
       {"/", "/js/main.js", "/api/customers", "/api/customers/77", "/healthz", "/no-such-page"}) {
    CAPTURE(path);
    const auto r = http.get(path);
    CHECK(r.header("content-security-policy").find("default-src 'self'") != std::string::npos);
    CHECK(r.header("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
    CHECK(r.header("x-content-type-options") == "nosniff");
    CHECK(r.header("referrer-policy") == "no-referrer");
  }
}

TEST_CASE("CORS: the allow-listed origin is answered, a preflight gets 204, others get nothing") {
  ApiFixture api(edgeOptions());
  HttpClient http(api.baseUrl());
  const auto allowed = http.get("/api/customers", {"Origin: https://app.example.com"});
  CHECK(allowed.status == 200);
  CHECK(allowed.header("access-control-allow-origin") == "https://app.example.com");
  CHECK(allowed.header("vary") == "Origin");
  const auto foreign = http.get("/api/customers", {"Origin: https://evil.example.com"});
  CHECK(foreign.header("access-control-allow-origin").empty());

  const auto preflight =
      http.request("OPTIONS", "/api/customers/1", "",
                   {"Origin: https://app.example.com", "Access-Control-Request-Method: PATCH",
                    "Access-Control-Request-Headers: if-match, content-type"});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("access-control-allow-origin") == "https://app.example.com");
  CHECK(preflight.header("access-control-allow-methods").find("PATCH") != std::string::npos);
  const auto refused =
      http.request("OPTIONS", "/api/customers", "",
                   {"Origin: https://evil.example.com", "Access-Control-Request-Method: POST"});
  CHECK(refused.status == 403);
  testing::checkNames(refused, "Origin");
  CHECK(api.scalar("SELECT count(*) FROM customers") == 0);
}

TEST_CASE("without authentication a request for another Host name is refused before routing") {
  ApiFixture api(edgeOptions());
  HttpClient http(api.baseUrl());
  const auto before = testing::snapshot(api);
  for (const char* host :
       {"Host: rebind.attacker.example", "Host: localhost.attacker.example:80"}) {
    CAPTURE(host);
    const auto post =
        http.request("POST", "/api/customers",
                     R"({"name":"Mallory","phone":"555 1234","email":"m@example.com"})", {host});
    CHECK(post.status == 421);
    testing::checkNames(post, "Host");
    CHECK(http.get("/", {host}).status == 421);
  }
  testing::checkUnchanged(api, before);
  CHECK(http.get("/api/customers", {"Host: localhost:8080"}).status == 200);
  CHECK(http.get("/api/customers").status == 200);  // 127.0.0.1:port
}
