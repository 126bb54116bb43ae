#include "api/customer_list.hpp"

#include <doctest/doctest.h>

using namespace api;

namespace {

HttpRequest listRequest(std::map<std::string, std::string> query) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/api/customers";
  request.query = std::move(query);
  return request;
}

}  // namespace

TEST_CASE("list query: defaults, every order, a total on request") {
  auto plain = parseListQuery(listRequest({}));
  REQUIRE(plain.query.has_value());
  CHECK(plain.query->limit == kDefaultPageSize);
  CHECK(plain.query->order == ListOrder::kNewest);
  CHECK_FALSE(plain.query->with_total);
  for (const auto& [text, order] :
       std::vector<std::pair<std::string, ListOrder>>{{"newest", ListOrder::kNewest},
                                                      {"id", ListOrder::kOldest},
                                                      {"name", ListOrder::kName},
                                                      {"name_desc", ListOrder::kNameDesc}}) {
    CAPTURE(text);
    auto parsed = parseListQuery(listRequest({{"order", text}, {"total", "true"}}));
    REQUIRE(parsed.query.has_value());
    CHECK(parsed.query->order == order);
    CHECK(parsed.query->with_total);
    CHECK(orderName(order) == text);
  }
}

TEST_CASE("list query: each bad parameter is named in the 400") {
  auto bad = parseListQuery(listRequest(
      {{"order", "sideways"}, {"limit", "0"}, {"total", "maybe"}, {"q", std::string(201, 'x')}}));
  REQUIRE_FALSE(bad.query.has_value());
  CHECK(bad.error.status == 400);
  for (const char* name : {"\"order\"", "\"limit\"", "\"total\"", "\"q\""}) {
    CHECK_MESSAGE(bad.error.body.find(name) != std::string::npos, name);
  }
  // A cursor belongs to its order: an id cursor is no name cursor and back.
  CHECK_FALSE(parseListQuery(listRequest({{"order", "name"}, {"cursor", "42"}})).query);
  CHECK_FALSE(parseListQuery(listRequest({{"order", "newest"}, {"cursor", "42:Ada"}})).query);
  CHECK_FALSE(parseListQuery(listRequest({{"order", "name"}, {"cursor", "x:Ada"}})).query);
  CHECK_FALSE(parseListQuery(listRequest({{"order", "name"}, {"cursor", "4:"}})).query);
}

TEST_CASE("cursors round-trip, names with colons included") {
  const ListCursor by_id{42, "ignored"};
  CHECK(encodeCursor(ListOrder::kNewest, by_id) == "42");
  CHECK(decodeCursor(ListOrder::kOldest, "42")->id == 42);
  const ListCursor by_name{7, "Ada: Countess of Lovelace"};
  const auto text = encodeCursor(ListOrder::kName, by_name);
  CHECK(text == "7:Ada: Countess of Lovelace");
  const auto back = decodeCursor(ListOrder::kNameDesc, text);
  REQUIRE(back.has_value());
  CHECK(back->id == 7);
  CHECK(back->name == by_name.name);
}

TEST_CASE("page links keep limit, order and search, with the cursor encoded") {
  ListQuery query;
  query.limit = 20;
  query.order = ListOrder::kName;
  query.search = "a&b";
  query.with_total = true;
  CHECK(pageLink(query, {9, "Zoë B"}, ListDirection::kAfter) ==
        "/api/customers?limit=20&order=name&cursor=9%3AZo%C3%AB%20B&q=a%26b");
  CHECK(pageLink(query, {9, "Zoë B"}, ListDirection::kBefore) ==
        "/api/customers?limit=20&order=name&before=9%3AZo%C3%AB%20B&q=a%26b");
}

TEST_CASE("list query: before reads backwards from its cursor, and never with cursor") {
  auto before = parseListQuery(listRequest({{"order", "name"}, {"before", "7:Ada"}}));
  REQUIRE(before.query.has_value());
  CHECK(before.query->direction == ListDirection::kBefore);
  REQUIRE(before.query->cursor.has_value());
  CHECK(before.query->cursor->id == 7);
  auto after = parseListQuery(listRequest({{"cursor", "7"}}));
  REQUIRE(after.query.has_value());
  CHECK(after.query->direction == ListDirection::kAfter);

  auto both = parseListQuery(listRequest({{"cursor", "7"}, {"before", "9"}}));
  REQUIRE_FALSE(both.query.has_value());
  CHECK(both.error.body.find("\"before\"") != std::string::npos);
  auto wrong_order = parseListQuery(listRequest({{"order", "name"}, {"before", "42"}}));
  REQUIRE_FALSE(wrong_order.query.has_value());
  CHECK(wrong_order.error.body.find("\"before\"") != std::string::npos);
}

TEST_CASE("search patterns: literal wildcards, phone digits only for phone-like searches") {
  CHECK(likePattern("50%_off\\") == "%50\\%\\_off\\\\%");
  CHECK(phoneDigitsPattern("555 01") == std::optional<std::string>("%55501%"));
  CHECK(phoneDigitsPattern("+1 (555) 0123-4") == std::optional<std::string>("%155501234%"));
  CHECK(phoneDigitsPattern("Customer 1") == std::nullopt);
  CHECK(phoneDigitsPattern("55") == std::nullopt);  // too short to mean a phone
  CHECK(phoneDigitsPattern("ada@x.io") == std::nullopt);
}
