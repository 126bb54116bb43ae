// GET /api/customers: name orders as keyset pages, the capped total, and
// phone search by digits, against a real database.

#include <doctest/doctest.h>

#include <functional>

#include "integration/api_fixture.hpp"

using testing::ApiFixture;
using testing::HttpClient;

namespace {

void create(HttpClient& http, const std::string& name, const std::string& phone = "555 0100") {
  const auto r = http.request(
      "POST", "/api/customers",
      R"({"name":")" + name + R"(","phone":")" + phone + R"(","email":"someone@example.com"})");
  REQUIRE(r.status == 201);
}

// Names in page order, following `next` from `first`.
std::vector<std::string> walkNames(HttpClient& http, const std::string& first,
                                   const std::function<void()>& between_pages = {}) {
  std::vector<std::string> names;
  std::string path = first;
  for (int pages = 0; !path.empty() && pages < 50; ++pages) {
    const auto r = http.get(path);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto page = testing::parseJson(r.body);
    for (const auto& item : page["items"].GetArray()) names.emplace_back(item["name"].GetString());
    path = page["next"].IsNull() ? "" : page["next"].GetString();
    if (between_pages) between_pages();
  }
  return names;
}

// Names in page order, following `prev` from `last` back to the first page;
// each page's names keep the list's order.
std::vector<std::string> walkNamesBack(HttpClient& http, const std::string& last) {
  std::vector<std::vector<std::string>> pages;
  std::string path = last;
  for (int count = 0; !path.empty() && count < 50; ++count) {
    const auto r = http.get(path);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto page = testing::parseJson(r.body);
    pages.emplace_back();
    for (const auto& item : page["items"].GetArray())
      pages.back().emplace_back(item["name"].GetString());
    path = page["prev"].IsNull() ? "" : page["prev"].GetString();
  }
  std::vector<std::string> names;
  for (auto page = pages.rbegin(); page != pages.rend(); ++page) {
    names.insert(names.end(), page->begin(), page->end());
  }
  return names;
}

// The path of the last page, reached by following `next` from `first`.
std::string lastPage(HttpClient& http, const std::string& first) {
  std::string path = first;
  for (int count = 0; count < 50; ++count) {
    const auto page = testing::parseJson(http.get(path).body);
    if (page["next"].IsNull()) return path;
    path = page["next"].GetString();
  }
  FAIL("no last page after 50 pages");
  return path;
}

}  // namespace

TEST_CASE("before= walks back from any page to the first, in every order and with a search") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (const char* name : {"carol", "Alice", "bob", "Dave", "alice", "Bob", "erin"})
    create(http, name);
  for (const std::string query :
       {"order=newest", "order=id", "order=name", "order=name_desc", "order=name&q=b"}) {
    CAPTURE(query);
    const std::string first = "/api/customers?limit=2&" + query;
    const auto forward = walkNames(http, first);
    REQUIRE(forward.size() >= 2);
    // From the last page, as a bookmark would hold it, back to the first.
    CHECK(walkNamesBack(http, lastPage(http, first)) == forward);
  }
  // The first page has no previous page; a page read after a cursor has one.
  auto head = testing::parseJson(http.get("/api/customers?limit=2&order=name").body);
  CHECK(head["prev"].IsNull());
  auto second = testing::parseJson(http.get(head["next"].GetString()).body);
  CHECK(second["prev_cursor"].GetString() == std::string("3:bob"));
  // Reading back from the second page gives the first page, which says so.
  auto back = testing::parseJson(http.get(second["prev"].GetString()).body);
  CHECK(back["items"][0]["name"].GetString() == std::string("Alice"));
  CHECK(back["prev"].IsNull());
  CHECK(back["next_cursor"].GetString() == std::string("5:alice"));
}

TEST_CASE("order=name and name_desc page case-insensitively, ties by id, stable under renames") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  for (const char* name : {"carol", "Alice", "bob", "Dave: the 2nd", "alice", "Bob"}) {
    create(http, name);
  }
  const std::vector<std::string> ascending = {"Alice", "alice", "bob",
                                              "Bob",   "carol", "Dave: the 2nd"};
  CHECK(walkNames(http, "/api/customers?order=name&limit=2") == ascending);
  const std::vector<std::string> descending(ascending.rbegin(), ascending.rend());
  CHECK(walkNames(http, "/api/customers?order=name_desc&limit=4") == descending);

  // The cursor holds the last name seen: renaming that customer (alice, id 5)
  // to the end of the list while the next page is due does not end the walk.
  HttpClient writer(api.baseUrl());
  bool renamed = false;
  const auto seen = walkNames(http, "/api/customers?order=name&limit=2", [&]() {
    if (renamed) return;
    renamed = true;
    REQUIRE(writer.request("PATCH", "/api/customers/5", R"({"name":"Zed"})").status == 200);
  });
  CHECK(seen ==
        std::vector<std::string>{"Alice", "alice", "bob", "Bob", "carol", "Dave: the 2nd", "Zed"});
}

TEST_CASE("total=true counts the matches, capped at 10000, and only when asked") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  create(http, "Grace Hopper");
  create(http, "Alan Turing");
  auto plain = testing::parseJson(http.get("/api/customers?limit=1").body);
  CHECK_FALSE(plain.HasMember("total"));
  auto counted = testing::parseJson(http.get("/api/customers?limit=1&total=true").body);
  CHECK(counted["total"].GetUint64() == 2);
  CHECK(counted["total_capped"].GetBool() == false);
  auto searched = testing::parseJson(http.get("/api/customers?q=hopper&total=1").body);
  CHECK(searched["total"].GetUint64() == 1);

  api.query(
      "INSERT INTO customers (name, phone, email) SELECT 'Bulk ' || n, '555 0100', "
      "'bulk@example.com' FROM generate_series(1, 10005) AS n");
  api.query("ANALYZE customers");
  auto capped = testing::parseJson(http.get("/api/customers?limit=5&total=true").body);
  CHECK(capped["total"].GetUint64() == 10000);
  CHECK(capped["total_capped"].GetBool() == true);
  CHECK(capped["items"].Size() == 5);
  // The name order reads its index: a page deep in the list costs one short scan.
  const auto plan = api.query(
      "EXPLAIN SELECT id FROM customers WHERE NOT deleted AND (lower(name), id) > "
      "(lower('Bulk 5'), 0::bigint) ORDER BY lower(name), id LIMIT 51");
  std::string text;
  for (const auto& row : plan) text += std::string(row[0].c_str()) + "\n";
  CHECK_MESSAGE(text.find("customers_live_by_name") != std::string::npos, text);
}

TEST_CASE("q finds a phone by its digits, whatever its punctuation") {
  ApiFixture api;
  HttpClient http(api.baseUrl());
  create(http, "Ada", "+44 (20) 7946-0000");
  create(http, "Customer 1", "555 0100");
  const auto names = [&](const std::string& q) {
    return walkNames(http, "/api/customers?order=name&q=" + q);
  };
  CHECK(names("7946") == std::vector<std::string>{"Ada"});
  CHECK(names("20%207946") == std::vector<std::string>{"Ada"});  // "20 7946"
  CHECK(names("%2B44-20") == std::vector<std::string>{"Ada"});   // "+44-20"
  CHECK(names("Customer%201") ==
        std::vector<std::string>{"Customer 1"});  // not every phone with a 1
  CHECK(names("0100").size() == 1);
}
