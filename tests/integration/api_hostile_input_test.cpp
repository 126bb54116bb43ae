// Hostile and malformed input over HTTP: every case gets its 4xx with a body
// that names the problem, writes nothing, and leaves the server serving.
// A write that changes nothing is answered without a new version or events.

#include <doctest/doctest.h>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

const std::string kValid = R"({"name":"Ada","phone":"+44 20 7946 0000","email":"ada@example.com"})";

struct HostileCase {
  std::string what;
  std::string method;
  std::string path;
  std::string body;
  int status;
  std::string names;  // the field or word the error body must name
};

}  // namespace

TEST_CASE("hostile requests get a 4xx naming the problem, write nothing, and the server goes on") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers", kValid).status == 201);
  const auto before = testing::snapshot(api);

  const std::string nested(60000, '[');
  const std::vector<HostileCase> cases = {
      {"a NUL in the phone", "POST", "/api/customers",
       R"({"name":"A","phone":"555\u0000 1234","email":"a@b.co"})", 400, "phone"},
      {"a NUL in the e-mail", "POST", "/api/customers",
       R"({"name":"A","phone":"555 1234","email":"a\u0000@b.co"})", 400, "email"},
      {"a NUL at the end of the e-mail", "PATCH", "/api/customers/1", R"({"email":"a@b.co\u0000"})",
       400, "email"},
      {"a bell in the name", "POST", "/api/customers",
       R"({"name":"A\u0007","phone":"555 1234","email":"a@b.co"})", 400, "name"},
      {"a tab in the phone", "PUT", "/api/customers/1",
       R"({"name":"A","phone":"555\t1234","email":"a@b.co"})", 400, "phone"},
      {"a lone low surrogate escape in the name", "POST", "/api/customers",
       R"({"name":"A\udc00","phone":"555 1234","email":"a@b.co"})", 400, "name"},
      {"a lone high surrogate escape in the name", "POST", "/api/customers",
       R"({"name":"A\ud800x","phone":"555 1234","email":"a@b.co"})", 400, "JSON"},
      {"an invalid UTF-8 byte in the body", "PATCH", "/api/customers/1", "{\"name\":\"A\xC0\xAF\"}",
       400, "JSON"},
      {"a duplicate key", "POST", "/api/customers",
       R"({"name":"A","phone":"555 1234","email":"a@b.co","name":"B"})", 400, "name"},
      {"a duplicate key in a patch", "PATCH", "/api/customers/1",
       R"({"email":"x@y.co","email":"z@y.co"})", 400, "email"},
      {"60000 nested arrays", "POST", "/api/customers", nested, 400, "JSON"},
      {"a nested object as a field", "PATCH", "/api/customers/1", R"({"name":{"a":[1]}})", 400,
       "JSON"},
      {"a NUL in the search", "GET", "/api/customers?q=%00", "", 400, "q"},
      {"invalid UTF-8 in the search", "GET", "/api/customers?q=%FF%FE", "", 400, "q"},
      {"a lone surrogate in the search", "GET", "/api/customers?q=%ED%B0%80", "", 400, "q"},
      {"a control character in the cursor", "GET", "/api/customers?cursor=%01", "", 400, "cursor"},
      {"invalid UTF-8 in the path", "GET", "/api/customers/%FF", "", 400, "path"},
      {"a NUL in the path", "DELETE", "/api/customers/1%00", "", 400, "path"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const auto r = http.request(c.method, c.path, c.body);
    CHECK(r.status == c.status);
    testing::checkNames(r, c.names);
  }
  testing::checkUnchanged(api, before);
  CHECK(http.get("/healthz").status == 200);
  CHECK(http.get("/api/customers/1").status == 200);
  // The search treats a valid query normally (it matched everyone with q=%00).
  CHECK(testing::parseJson(http.get("/api/customers?q=nobody-has-this").body)["items"].Size() == 0);
}

TEST_CASE("a PUT or PATCH that changes nothing answers 200 and writes no version, event or mail") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers", kValid).status == 201);
  const auto before = testing::snapshot(api);

  const std::vector<std::pair<std::string, std::string>> no_ops = {
      {"PATCH", "{}"},
      {"PATCH", R"({"phone":"+44 20 7946 0000"})"},
      {"PATCH", R"({"name":"  Ada  "})"},  // the same once trimmed
      {"PUT", kValid},
  };
  for (const auto& [method, body] : no_ops) {
    CAPTURE(method + " " + body);
    const auto r = http.request(method, "/api/customers/1", body, {"If-Match: \"1\""});
    CHECK(r.status == 200);
    CHECK(r.header("etag") == "\"1\"");
    const auto json = testing::parseJson(r.body);
    CHECK(json["version"].GetInt() == 1);
    CHECK(std::string(json["email"].GetString()) == "ada@example.com");
  }
  testing::checkUnchanged(api, before);

  // The preconditions still hold for a change of nothing.
  CHECK(http.request("PATCH", "/api/customers/1", "{}", {"If-Match: \"7\""}).status == 412);
  CHECK(http.request("PATCH", "/api/customers/99", "{}").status == 404);
  // And a real change still is one.
  const auto changed = http.request("PATCH", "/api/customers/1", R"({"name":"Ada K"})");
  CHECK(changed.status == 200);
  CHECK(changed.header("etag") == "\"2\"");
  CHECK(api.scalar("SELECT count(*) FROM outbox") == before.outbox + 2);
  REQUIRE(http.request("DELETE", "/api/customers/1").status == 204);
  CHECK(http.request("PATCH", "/api/customers/1", "{}").status == 404);
}
