// Bad input gets the right 4xx with a JSON body naming the problem, and
// changes nothing.

#include <doctest/doctest.h>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

using testing::checkNames;
using testing::checkUnchanged;
using testing::snapshot;

TEST_CASE("invalid bodies are rejected with 400 naming the field, and nothing is written") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto existing =
      http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})");
  REQUIRE(existing.status == 201);
  const auto before = snapshot(api);

  const std::string long_name(401, 'x');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"phone":"12345","email":"a@b.co"})", "name"},
      {R"({"name":"   ","phone":"12345","email":"a@b.co"})", "name"},
      {R"({"name":")" + long_name + R"(","phone":"12345","email":"a@b.co"})", "name"},
      {R"({"name":42,"phone":"12345","email":"a@b.co"})", "name"},
      {R"({"name":null,"phone":"12345","email":"a@b.co"})", "name"},
      {R"({"name":"A","email":"a@b.co"})", "phone"},
      {R"({"name":"A","phone":"call me","email":"a@b.co"})", "phone"},
      {R"({"name":"A","phone":"12","email":"a@b.co"})", "phone"},
      {R"({"name":"A","phone":"12345"})", "email"},
      {R"({"name":"A","phone":"12345","email":"not-an-address"})", "email"},
      {R"({"name":"A","phone":"12345","email":"a@nodot"})", "email"},
      {R"({"name":"A","phone":"12345","email":"a b@c.de"})", "email"},
      {R"({"name":"A","phone":"12345","email":"a@b.co","nickname":"x"})", "nickname"},
      {R"({"name":"A","phone":"12345",)", "JSON"},
      {R"([1,2,3])", "object"},
      {"\"just a string\"", "object"},
      {"", "JSON"},
      {"{\"name\":\"\xff\xfe\",\"phone\":\"12345\",\"email\":\"a@b.co\"}", "JSON"},
  };
  for (const auto& [body, field] : cases) {
    CAPTURE(body.substr(0, 80));
    auto post = http.request("POST", "/api/customers", body);
    CHECK(post.status == 400);
    checkNames(post, field);
    auto put = http.request("PUT", "/api/customers/1", body);
    CHECK(put.status == 400);
  }
  auto patch_null = http.request("PATCH", "/api/customers/1", R"({"email":null})");
  CHECK(patch_null.status == 400);
  checkNames(patch_null, "email");
  checkUnchanged(api, before);
}

TEST_CASE("read-only fields in a body are ignored, so a fetched customer can be sent back") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto created =
      http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})");
  REQUIRE(created.status == 201);
  auto fetched = http.get("/api/customers/1");
  auto put = http.request("PUT", "/api/customers/1", fetched.body);
  CHECK(put.status == 200);
  CHECK(testing::parseJson(put.body)["version"].GetInt() == 1);  // the same values: no change
  auto sneaky = http.request(
      "POST", "/api/customers",
      R"({"id":999,"version":50,"deleted":true,"name":"B","phone":"12345","email":"b@b.co"})");
  REQUIRE(sneaky.status == 201);
  const auto body = testing::parseJson(sneaky.body);
  CHECK(body["id"].GetInt64() != 999);
  CHECK(body["version"].GetInt() == 1);
  CHECK_FALSE(body["deleted"].GetBool());
}

TEST_CASE("a malformed id is 400 naming the id") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (const char* id : {"abc", "0", "-1", "1.5", "99999999999999999999", "12abc"}) {
    CAPTURE(std::string(id));
    auto r = http.get(std::string("/api/customers/") + id);
    CHECK(r.status == 400);
    checkNames(r, "id");
  }
  CHECK(http.get("/api/customers/1/extra").status == 404);
  CHECK(http.get("/api/nothing-here").status == 404);
}

TEST_CASE("unsupported methods get 405 with Allow and wrong media types get 415") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  auto r = http.request("DELETE", "/api/customers");
  CHECK(r.status == 405);
  CHECK(r.header("allow") == "GET, POST");
  auto on_item = http.request("POST", "/api/customers/1", "{}");
  CHECK(on_item.status == 405);
  CHECK(on_item.header("allow") == "GET, PUT, PATCH, DELETE");
  CHECK(http.request("OPTIONS", "/api/customers").status == 405);
  CHECK(http.request("POST", "/healthz").status == 405);

  const auto before = snapshot(api);
  auto text =
      http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})",
                   {"Content-Type: text/plain"});
  CHECK(text.status == 415);
  checkNames(text, "Content-Type");
  auto form = http.request("POST", "/api/customers", "name=A",
                           {"Content-Type: application/x-www-form-urlencoded"});
  CHECK(form.status == 415);
  auto merge_on_post =
      http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})",
                   {"Content-Type: application/merge-patch+json"});
  CHECK(merge_on_post.status == 415);
  checkUnchanged(api, before);
  auto charset =
      http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})",
                   {"Content-Type: application/json; charset=utf-8"});
  CHECK(charset.status == 201);
}

TEST_CASE("an oversized body gets 413 and changes nothing") {
  api::ServiceOptions options;
  options.max_body_bytes = 2048;
  ApiFixture api(options);
  HttpClient http(api.baseUrl());
  const auto before = snapshot(api);
  const std::string padding(3000, 'x');
  auto r =
      http.request("POST", "/api/customers",
                   R"({"name":"A","phone":"12345","email":"a@b.co","pad":")" + padding + "\"}");
  CHECK(r.status == 413);
  CHECK(std::string(testing::parseJson(r.body)["error"].GetString()) == "payload_too_large");
  // Well above the limit: still our 413, and the connection stays usable.
  auto huge = http.request("POST", "/api/customers", std::string(50000, ' '));
  CHECK(huge.status == 413);
  checkUnchanged(api, before);
  CHECK(http.get("/healthz").status == 200);  // the server is still fine
}

TEST_CASE("a malformed If-Match or Idempotency-Key is 400 naming the header") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})")
              .status == 201);
  auto etag =
      http.request("PATCH", "/api/customers/1", R"({"name":"B"})", {"If-Match: \"banana\""});
  CHECK(etag.status == 400);
  checkNames(etag, "If-Match");
  auto key =
      http.request("POST", "/api/customers", R"({"name":"A","phone":"12345","email":"a@b.co"})",
                   {"Idempotency-Key: " + std::string(300, 'k')});
  CHECK(key.status == 400);
  checkNames(key, "Idempotency-Key");
  CHECK(api.scalar("SELECT count(*) FROM customers") == 1);
}
