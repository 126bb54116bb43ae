// CustomerStore::list: the SQL of GET /api/customers. Every order is a keyset
// order read from an index (sql/customers/0001 and 0010), so a page costs the
// same whatever its depth; the total is a count capped at kTotalCap.

#include <algorithm>
#include <pqxx/pqxx>

#include "api/customer_store.hpp"
#include "core/db/customer_row.hpp"
#include "core/db/errors.hpp"

namespace api {

using core::db::readCustomer;

namespace {

// Parameters: $1 rows to fetch; with a search $2 the ILIKE pattern and $3 the
// phone-digits pattern (NULL when the search is not phone-like); then the
// cursor: the last id (id orders) or the last name and id (name orders).
#define LIVE_CUSTOMERS "SELECT " CUSTOMER_COLUMNS("") " FROM customers WHERE NOT deleted"
#define PHONE_DIGITS "regexp_replace(phone, '[^0-9]', '', 'g')"
#define MATCHES " AND (name ILIKE $2 OR email ILIKE $2 OR " PHONE_DIGITS " LIKE $3)"

enum class CursorUse { kNone, kAfter, kBefore };

bool byName(ListOrder order) {
  return order == ListOrder::kName || order == ListOrder::kNameDesc;
}
bool ascending(ListOrder order) {
  return order == ListOrder::kOldest || order == ListOrder::kName;
}

// "customer_search_name_before", ...: one prepared statement per shape.
std::string statementName(ListOrder order, bool search, CursorUse use) {
  static const char* const kUse[] = {"_first", "_after", "_before"};
  return std::string(search ? "customer_search_" : "customer_list_") + orderName(order) +
         kUse[static_cast<int>(use)];
}

// A page before the cursor is read backwards (the reverse comparison and
// order, so it is still one index range) and turned round in list().
std::string statementSql(ListOrder order, bool search, CursorUse use) {
  const bool forward = ascending(order) == (use != CursorUse::kBefore);
  const std::string key = byName(order) ? "(lower(name), id)" : "id";
  const std::string first = search ? "$4" : "$2";
  const std::string second = search ? "$5" : "$3";
  std::string sql = std::string(LIVE_CUSTOMERS) + (search ? MATCHES : "");
  if (use != CursorUse::kNone) {
    const std::string cursor =
        byName(order) ? "(lower(" + first + "::text), " + second + "::bigint)" : first;
    sql += " AND " + key + (forward ? " > " : " < ") + cursor;
  }
  const std::string direction = forward ? "" : " DESC";
  sql += byName(order) ? " ORDER BY lower(name)" + direction + ", id" + direction
                       : " ORDER BY id" + direction;
  return sql + " LIMIT $1";
}

// How many match, counting no further than $1 (an index scan of at most $1 rows).
constexpr const char* kCount =
    "SELECT count(*) FROM (SELECT 1 FROM customers WHERE NOT deleted LIMIT $1) AS capped";
constexpr const char* kCountSearch =
    "SELECT count(*) FROM (SELECT 1 FROM customers WHERE NOT deleted " MATCHES
    " LIMIT $1) AS capped";

CursorUse cursorUse(const ListQuery& query) {
  if (!query.cursor) return CursorUse::kNone;
  return query.direction == ListDirection::kBefore ? CursorUse::kBefore : CursorUse::kAfter;
}

}  // namespace

void CustomerStore::prepareListStatements(pqxx::connection& connection) {
  for (const auto order :
       {ListOrder::kNewest, ListOrder::kOldest, ListOrder::kName, ListOrder::kNameDesc}) {
    for (const bool search : {false, true}) {
      for (const auto use : {CursorUse::kNone, CursorUse::kAfter, CursorUse::kBefore}) {
        connection.prepare(statementName(order, search, use), statementSql(order, search, use));
      }
    }
  }
  connection.prepare("customer_count", kCount);
  connection.prepare("customer_count_search", kCountSearch);
}

core::Result<Page> CustomerStore::list(const ListQuery& query) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  return core::db::guarded([&]() -> core::Result<Page> {
    pqxx::nontransaction tx(**lease);
    const bool search = !query.search.empty();
    const std::string like = likePattern(query.search);
    const std::optional<std::string> digits = phoneDigitsPattern(query.search);
    // Every statement starts with the rows to fetch and, for a search, its patterns.
    const auto run = [&](const std::string& statement, std::int64_t fetch, const auto&... cursor) {
      return search ? tx.exec_prepared(statement, fetch, like, digits, cursor...)
                    : tx.exec_prepared(statement, fetch, cursor...);
    };
    const auto fetch = static_cast<std::int64_t>(query.limit) + 1;  // one more: a page beyond?
    const CursorUse use = cursorUse(query);
    const std::string statement = statementName(query.order, search, use);
    pqxx::result rows;
    if (use == CursorUse::kNone) {
      rows = run(statement, fetch);
    } else if (byName(query.order)) {
      rows = run(statement, fetch, query.cursor->name, query.cursor->id);
    } else {
      rows = run(statement, fetch, query.cursor->id);
    }
    Page page;
    for (const auto& row : rows) {
      if (page.items.size() == query.limit) break;
      page.items.push_back(readCustomer(row, 0));
    }
    const bool more = rows.size() > query.limit;  // beyond the page, in the direction read
    const auto cursorOf = [](const core::domain::Customer& c) { return ListCursor{c.id, c.name}; };
    if (use == CursorUse::kBefore) {
      std::reverse(page.items.begin(), page.items.end());
      // The row the cursor names (or its successor) follows this page.
      if (!page.items.empty()) page.next_cursor = cursorOf(page.items.back());
      if (more) page.prev_cursor = cursorOf(page.items.front());
    } else {
      if (more) page.next_cursor = cursorOf(page.items.back());
      if (use == CursorUse::kAfter && !page.items.empty()) {
        page.prev_cursor = cursorOf(page.items.front());
      }
    }
    if (query.with_total) {
      const auto cap = static_cast<std::int64_t>(kTotalCap) + 1;
      const auto counted =
          run(search ? "customer_count_search" : "customer_count", cap)[0][0].as<std::int64_t>();
      page.total = ListTotal{std::min(static_cast<std::size_t>(counted), kTotalCap),
                             counted > static_cast<std::int64_t>(kTotalCap)};
    }
    return page;
  });
}

}  // namespace api
