#include "api/customer_list.hpp"

#include "api/text.hpp"
#include "api/url.hpp"
#include "core/text/utf8.hpp"

namespace api {

namespace {

bool isPhoneCharacter(char c) {
  return (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' ||
         c == '.';
}

}  // namespace

const char* orderName(ListOrder order) {
  switch (order) {
    case ListOrder::kNewest: return "newest";
    case ListOrder::kOldest: return "id";
    case ListOrder::kName: return "name";
    case ListOrder::kNameDesc: return "name_desc";
  }
  return "newest";
}

std::optional<ListOrder> parseOrder(const std::string& text) {
  for (const auto order :
       {ListOrder::kNewest, ListOrder::kOldest, ListOrder::kName, ListOrder::kNameDesc}) {
    if (text == orderName(order)) return order;
  }
  return std::nullopt;
}

std::string encodeCursor(ListOrder order, const ListCursor& cursor) {
  const bool by_name = order == ListOrder::kName || order == ListOrder::kNameDesc;
  return std::to_string(cursor.id) + (by_name ? ":" + cursor.name : "");
}

std::optional<ListCursor> decodeCursor(ListOrder order, const std::string& text) {
  const bool by_name = order == ListOrder::kName || order == ListOrder::kNameDesc;
  const auto colon = text.find(':');
  if (by_name != (colon != std::string::npos)) return std::nullopt;
  const auto id = parseId(text.substr(0, colon));
  if (!id) return std::nullopt;
  ListCursor cursor{*id, {}};
  if (by_name) {
    cursor.name = text.substr(colon + 1);
    if (cursor.name.empty() || core::text::codePoints(cursor.name) > 400) return std::nullopt;
  }
  return cursor;
}

ParsedListQuery parseListQuery(const HttpRequest& request) {
  ListQuery query;
  FieldErrors errors;
  if (auto limit = request.param("limit")) {
    auto n = parseId(*limit);
    if (!n || *n > static_cast<std::int64_t>(kMaxPageSize)) {
      errors["limit"] = "must be an integer from 1 to " + std::to_string(kMaxPageSize);
    } else {
      query.limit = static_cast<std::size_t>(*n);
    }
  }
  if (auto order = request.param("order")) {
    if (auto parsed = parseOrder(*order)) {
      query.order = *parsed;
    } else {
      errors["order"] = "must be newest, id, name or name_desc";
    }
  }
  // A cursor belongs to an order, so it is read once the order is known.
  const auto cursor = request.param("cursor");
  const auto before = request.param("before");
  if (cursor && !cursor->empty() && before && !before->empty()) {
    errors["before"] =
        "cannot be combined with cursor: a page is read after one or before the other";
  } else if (!errors.count("order")) {
    const bool backward = before && !before->empty();
    if (backward || (cursor && !cursor->empty())) {
      const char* field = backward ? "before" : "cursor";
      query.cursor = decodeCursor(query.order, backward ? *before : *cursor);
      query.direction = backward ? ListDirection::kBefore : ListDirection::kAfter;
      if (!query.cursor) errors[field] = "is not a cursor this API returned for this order";
    }
  }
  if (auto q = request.param("q")) {
    query.search = trim(*q);
    if (query.search.size() > kMaxSearchLength) {
      errors["q"] = "must be at most " + std::to_string(kMaxSearchLength) + " characters";
    }
  }
  if (auto total = request.param("total")) {
    if (*total == "true" || *total == "1") {
      query.with_total = true;
    } else if (*total != "false" && *total != "0") {
      errors["total"] = "must be true or false";
    }
  }
  if (!errors.empty()) {
    return {std::nullopt, errorResponse(400, "bad_request", "invalid query parameters", errors)};
  }
  return {query, {}};
}

std::string pageLink(const ListQuery& query, const ListCursor& cursor, ListDirection direction) {
  std::string link = "/api/customers?limit=" + std::to_string(query.limit) +
                     "&order=" + orderName(query.order) +
                     (direction == ListDirection::kAfter ? "&cursor=" : "&before=") +
                     urlEncode(encodeCursor(query.order, cursor));
  if (!query.search.empty()) link += "&q=" + urlEncode(query.search);
  return link;
}

std::string likePattern(const std::string& search) {
  std::string out = "%";
  for (char c : search) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::optional<std::string> phoneDigitsPattern(const std::string& search) {
  std::string digits;
  for (char c : search) {
    if (!isPhoneCharacter(c)) return std::nullopt;
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() < 3) return std::nullopt;
  return "%" + digits + "%";
}

}  // namespace api
