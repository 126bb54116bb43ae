#pragma once
// GET /api/customers: what a list request asks for (order, keyset cursor,
// search, total) and the links of its answer. Pure functions, no I/O; the SQL
// is in customer_list_store.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/http_errors.hpp"
#include "api/http_types.hpp"
#include "core/domain/customer.hpp"

namespace api {

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 200;
inline constexpr std::size_t kMaxSearchLength = 200;
// `total` counts at most this many matches; more is reported as capped.
inline constexpr std::size_t kTotalCap = 10000;

// newest: id descending (the default); id: id ascending; name, name_desc:
// case-insensitive name, then id. Each is a keyset order served by an index.
enum class ListOrder { kNewest, kOldest, kName, kNameDesc };

// Where the previous page ended: the id of its last customer and, for the
// name orders, that customer's name (so a rename in between moves nothing).
struct ListCursor {
  std::int64_t id = 0;
  std::string name;
};

// Which way a page is read from its cursor: the rows after it (the next
// page) or the rows just before it (the previous page, still shown in the
// list's order).
enum class ListDirection { kAfter, kBefore };

struct ListQuery {
  std::size_t limit = kDefaultPageSize;
  ListOrder order = ListOrder::kNewest;
  std::optional<ListCursor> cursor;
  ListDirection direction = ListDirection::kAfter;  // kBefore only with a cursor
  std::string search;  // substring of name or e-mail, or digits of the phone; empty: all
  bool with_total = false;
};

struct ListTotal {
  std::size_t count = 0;
  bool capped = false;  // at least `count` (= kTotalCap) match
};

struct Page {
  std::vector<core::domain::Customer> items;
  std::optional<ListCursor> next_cursor;
  // Set when rows may precede the page: it did not start at the beginning.
  // A page read after a cursor cannot know whether the rows before it were
  // deleted since, so its previous page may come back empty.
  std::optional<ListCursor> prev_cursor;
  std::optional<ListTotal> total;
};

// The query parameters (limit, order, cursor or before, q, total) of a list request,
// or the 400 answer naming each bad one.
struct ParsedListQuery {
  std::optional<ListQuery> query;
  HttpResponse error;
};
ParsedListQuery parseListQuery(const HttpRequest& request);

const char* orderName(ListOrder order);
std::optional<ListOrder> parseOrder(const std::string& text);

// "42" for the id orders, "42:Ada Lovelace" for the name orders.
std::string encodeCursor(ListOrder order, const ListCursor& cursor);
std::optional<ListCursor> decodeCursor(ListOrder order, const std::string& text);

// The path of the page after (or before) `cursor`, with the same limit, order
// and search.
std::string pageLink(const ListQuery& query, const ListCursor& cursor, ListDirection direction);

// ILIKE pattern for a substring: '%' and '_' in the search are literal.
std::string likePattern(const std::string& search);
// LIKE pattern on a phone's digits when the search looks like (part of) a
// phone number (digits, spaces, + - ( ) . and at least 3 digits): "555 01"
// -> "%55501%"; nothing otherwise, so "Customer 1" does not match every
// phone with a 1 in it.
std::optional<std::string> phoneDigitsPattern(const std::string& search);

}  // namespace api
