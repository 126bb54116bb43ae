// Keyset pagination, search, and Idempotency-Key on POST.

#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

std::string customerBody(int n, const std::string& name_prefix = "Customer") {
  return R"({"name":")" + name_prefix + " " + std::to_string(n) + R"(","phone":"555 000)" +
         std::to_string(n) + R"(","email":"c)" + std::to_string(n) + R"(@example.com"})";
}

// Follows `next` links from `first` and returns the ids in page order.
std::vector<long long> walk(HttpClient& http, const std::string& first, int* pages = nullptr,
                            const std::function<void()>& between_pages = {}) {
  std::vector<long long> ids;
  std::string path = first;
  int count = 0;
  while (!path.empty() && count < 100) {
    auto r = http.get(path);
    REQUIRE(r.status == 200);
    const auto page = testing::parseJson(r.body);
    for (const auto& item : page["items"].GetArray()) ids.push_back(item["id"].GetInt64());
    path = page["next"].IsNull() ? "" : page["next"].GetString();
    ++count;
    if (between_pages) between_pages();
  }
  if (pages != nullptr) *pages = count;
  return ids;
}

}  // namespace

TEST_CASE("pages follow next links newest first, without gaps or repeats, skipping deleted") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (int i = 1; i <= 8; ++i)
    REQUIRE(http.request("POST", "/api/customers", customerBody(i)).status == 201);
  REQUIRE(http.request("DELETE", "/api/customers/4").status == 204);

  int pages = 0;
  const auto newest = walk(http, "/api/customers?limit=3", &pages);
  CHECK(newest == std::vector<long long>{8, 7, 6, 5, 3, 2, 1});
  CHECK(pages == 3);
  const auto by_id = walk(http, "/api/customers?limit=2&order=id");
  CHECK(by_id == std::vector<long long>{1, 2, 3, 5, 6, 7, 8});
}

TEST_CASE("paging stays stable while customers are inserted concurrently") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (int i = 1; i <= 6; ++i)
    REQUIRE(http.request("POST", "/api/customers", customerBody(i)).status == 201);
  HttpClient writer(api.baseUrl());
  int inserted = 0;
  const auto ids = walk(http, "/api/customers?limit=2", nullptr, [&]() {
    REQUIRE(writer.request("POST", "/api/customers", customerBody(100 + inserted++)).status == 201);
  });
  // The newest-first walk saw the six that existed, each once, in order; the
  // new ones sort before its cursor and do not disturb it.
  CHECK(ids == std::vector<long long>{6, 5, 4, 3, 2, 1});
  const std::set<long long> unique(ids.begin(), ids.end());
  CHECK(unique.size() == ids.size());
}

TEST_CASE("search matches name or e-mail case-insensitively and treats % and _ literally") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers",
                       R"({"name":"Grace Hopper","phone":"12345","email":"grace@navy.mil"})")
              .status == 201);
  REQUIRE(http.request("POST", "/api/customers",
                       R"({"name":"Alan Turing","phone":"12345","email":"alan@bletchley.uk"})")
              .status == 201);
  REQUIRE(http.request("POST", "/api/customers",
                       R"({"name":"100% Real","phone":"12345","email":"real@x.io"})")
              .status == 201);

  auto count = [&](const std::string& q) {
    auto r = http.get("/api/customers?q=" + q);
    REQUIRE(r.status == 200);
    return testing::parseJson(r.body)["items"].Size();
  };
  CHECK(count("HOPPER") == 1);
  CHECK(count("bletchley") == 1);
  CHECK(count("a") == 3);
  CHECK(count("grace%20hop") == 1);
  CHECK(count("%25") == 1);  // a literal percent sign
  CHECK(count("_") == 0);    // not a wildcard
  CHECK(count("nobody") == 0);
  auto next = testing::parseJson(http.get("/api/customers?q=a&limit=1").body);
  REQUIRE(next["next"].IsString());
  CHECK(std::string(next["next"].GetString()).find("q=a") != std::string::npos);
}

TEST_CASE("bad list parameters are 400 naming the parameter") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (const auto& [query, name] :
       std::vector<std::pair<std::string, std::string>>{{"limit=0", "limit"},
                                                        {"limit=201", "limit"},
                                                        {"limit=ten", "limit"},
                                                        {"order=sideways", "order"},
                                                        {"cursor=xyz", "cursor"}}) {
    CAPTURE(query);
    auto r = http.get("/api/customers?" + query);
    CHECK(r.status == 400);
    const auto body = testing::parseJson(r.body);
    CHECK(body["fields"].HasMember(name.c_str()));
  }
  CHECK(http.get("/api/customers?limit=200").status == 200);
}

TEST_CASE("the same Idempotency-Key and body returns the first response and writes nothing new") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const std::vector<std::string> key = {"Idempotency-Key: order-7f3a"};
  auto first = http.request("POST", "/api/customers", customerBody(1), key);
  REQUIRE(first.status == 201);
  auto again = http.request("POST", "/api/customers", customerBody(1), key);
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.header("location") == first.header("location"));
  CHECK(again.header("etag") == first.header("etag"));
  CHECK(again.header("idempotent-replayed") == "true");
  CHECK(api.scalar("SELECT count(*) FROM customers") == 1);
  CHECK(api.scalar("SELECT count(*) FROM outbox") == 2);

  auto other = http.request("POST", "/api/customers", customerBody(2), key);
  CHECK(other.status == 422);
  CHECK(std::string(testing::parseJson(other.body)["error"].GetString()) ==
        "idempotency_key_reused");
  CHECK(api.scalar("SELECT count(*) FROM customers") == 1);

  auto other_key =
      http.request("POST", "/api/customers", customerBody(1), {"Idempotency-Key: order-8000"});
  CHECK(other_key.status == 201);
  CHECK(api.scalar("SELECT count(*) FROM customers") == 2);
}

TEST_CASE("a key older than 24 hours no longer replays") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  const std::vector<std::string> key = {"Idempotency-Key: old-key"};
  REQUIRE(http.request("POST", "/api/customers", customerBody(1), key).status == 201);
  api.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");
  auto later = http.request("POST", "/api/customers", customerBody(2), key);
  CHECK(later.status == 201);
  CHECK(later.header("idempotent-replayed").empty());
  CHECK(api.scalar("SELECT count(*) FROM customers") == 2);
}

TEST_CASE("expired idempotency keys are purged, live ones kept") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  REQUIRE(http.request("POST", "/api/customers", customerBody(1), {"Idempotency-Key: a"}).status ==
          201);
  REQUIRE(http.request("POST", "/api/customers", customerBody(2), {"Idempotency-Key: b"}).status ==
          201);
  api.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'a'");
  auto purged = api.store().purgeExpiredKeys(100);
  REQUIRE(purged.ok());
  CHECK(*purged == 1);
  CHECK(api.scalar("SELECT count(*) FROM idempotency_keys WHERE key = 'b'") == 1);
}

TEST_CASE("concurrent requests with one Idempotency-Key create exactly one customer") {
  ApiFixture api;
  std::vector<std::thread> threads;
  std::vector<long> statuses(6);
  std::vector<std::string> bodies(6);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t]() {
      HttpClient http(api.baseUrl());
      auto r =
          http.request("POST", "/api/customers", customerBody(1), {"Idempotency-Key: race-key"});
      statuses[t] = r.status;
      bodies[t] = r.body;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 6; ++t) {
    CHECK(statuses[t] == 201);
    CHECK(bodies[t] == bodies[0]);
  }
  CHECK(api.scalar("SELECT count(*) FROM customers") == 1);
  CHECK(api.scalar("SELECT count(*) FROM outbox") == 2);
}
