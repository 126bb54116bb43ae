// CustomerStore::list: the SQL of GET /api/customers. Every order is a keyset
// order read from an index (sql/customers/0001 and 0010), so a page costs the
// same whatever its depth; the total is a count capped at kTotalCap.

#include <algorithm>
#include <limits>
#include <pqxx/pqxx>

#include "api/customer_rows.hpp"
#include "api/customer_store.hpp"
#include "core/db/errors.hpp"

namespace api {

namespace {

// Parameters: $1 rows to fetch; with a search $2 the ILIKE pattern and $3 the
// phone-digits pattern (NULL when the search is not phone-like); then the
// cursor: the last id (id orders, a sentinel on the first page) or the last
// name and id (name orders, absent on the first page).
#define LIVE_CUSTOMERS "SELECT " CUSTOMER_COLUMNS("") " FROM customers WHERE NOT deleted"
#define PHONE_DIGITS "regexp_replace(phone, '[^0-9]', '', 'g')"
#define MATCHES " AND (name ILIKE $2 OR email ILIKE $2 OR " PHONE_DIGITS " LIKE $3)"
#define NEWEST(id) " AND id < " id " ORDER BY id DESC LIMIT $1"
#define OLDEST(id) " AND id > " id " ORDER BY id LIMIT $1"
#define BY_NAME " ORDER BY lower(name), id LIMIT $1"
#define BY_NAME_DESC " ORDER BY lower(name) DESC, id DESC LIMIT $1"
#define AFTER_NAME(name, id) " AND (lower(name), id) > (lower(" name "::text), " id "::bigint)"
#define BEFORE_NAME(name, id) " AND (lower(name), id) < (lower(" name "::text), " id "::bigint)"

struct Statement {
  const char* name;
  const char* sql;
};

constexpr Statement kListStatements[] = {
    {"customer_list_newest", LIVE_CUSTOMERS NEWEST("$2")},
    {"customer_search_newest", LIVE_CUSTOMERS MATCHES NEWEST("$4")},
    {"customer_list_id", LIVE_CUSTOMERS OLDEST("$2")},
    {"customer_search_id", LIVE_CUSTOMERS MATCHES OLDEST("$4")},
    {"customer_list_name_first", LIVE_CUSTOMERS BY_NAME},
    {"customer_search_name_first", LIVE_CUSTOMERS MATCHES BY_NAME},
    {"customer_list_name_after", LIVE_CUSTOMERS AFTER_NAME("$2", "$3") BY_NAME},
    {"customer_search_name_after", LIVE_CUSTOMERS MATCHES AFTER_NAME("$4", "$5") BY_NAME},
    {"customer_list_name_desc_first", LIVE_CUSTOMERS BY_NAME_DESC},
    {"customer_search_name_desc_first", LIVE_CUSTOMERS MATCHES BY_NAME_DESC},
    {"customer_list_name_desc_after", LIVE_CUSTOMERS BEFORE_NAME("$2", "$3") BY_NAME_DESC},
    {"customer_search_name_desc_after",
     LIVE_CUSTOMERS MATCHES BEFORE_NAME("$4", "$5") BY_NAME_DESC},
    // How many match, counting no further than $1 (an index scan of at most $1 rows).
    {"customer_count",
     "SELECT count(*) FROM (SELECT 1 FROM customers WHERE NOT deleted "
     "LIMIT $1) AS capped"},
    {"customer_count_search",
     "SELECT count(*) FROM (SELECT 1 FROM customers WHERE NOT deleted " MATCHES
     " LIMIT $1) AS capped"},
};

// "customer_search_name_after", ...: the statement of a query.
std::string statementOf(const ListQuery& query) {
  std::string name = query.search.empty() ? "customer_list_" : "customer_search_";
  name += orderName(query.order);
  if (query.order == ListOrder::kName || query.order == ListOrder::kNameDesc) {
    name += query.cursor ? "_after" : "_first";
  }
  return name;
}

}  // namespace

void CustomerStore::prepareListStatements(pqxx::connection& connection) {
  for (const auto& statement : kListStatements) connection.prepare(statement.name, statement.sql);
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
    const auto fetch = static_cast<std::int64_t>(query.limit) + 1;  // one more: a next page?
    const std::string statement = statementOf(query);
    pqxx::result rows;
    switch (query.order) {
      case ListOrder::kNewest:
        rows = run(statement, fetch,
                   query.cursor ? query.cursor->id : std::numeric_limits<std::int64_t>::max());
        break;
      case ListOrder::kOldest:
        rows = run(statement, fetch, query.cursor ? query.cursor->id : std::int64_t{0});
        break;
      case ListOrder::kName:
      case ListOrder::kNameDesc:
        rows = query.cursor ? run(statement, fetch, query.cursor->name, query.cursor->id)
                            : run(statement, fetch);
        break;
    }
    Page page;
    for (const auto& row : rows) {
      if (page.items.size() == query.limit) {
        page.next_cursor = ListCursor{page.items.back().id, page.items.back().name};
        break;
      }
      page.items.push_back(readCustomer(row, 0));
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
