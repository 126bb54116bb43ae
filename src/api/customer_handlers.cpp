#include "api/customer_handlers.hpp"

#include <limits>

#include "api/http_errors.hpp"
#include "api/text.hpp"
#include "core/hash.hpp"
#include "core/json/codec.hpp"

namespace api {

namespace {

std::string etagOf(std::int32_t version) {
  return "\"" + std::to_string(version) + "\"";
}

HttpResponse customerResponse(int status, const core::domain::Customer& customer) {
  HttpResponse response;
  response.status = status;
  response.body = core::json::encodeCustomer(customer);
  response.with("ETag", etagOf(customer.version));
  return response;
}

// If-Match: absent or "*" -> no expectation; "3", 3 or W/"3" -> version 3.
struct VersionExpectation {
  std::optional<std::int32_t> version;
  std::optional<HttpResponse> error;
};

VersionExpectation expectedVersion(const HttpRequest& request) {
  auto header = request.header("if-match");
  if (!header) return {};
  std::string value = trim(*header);
  if (value == "*") return {};
  if (value.rfind("W/", 0) == 0) value = value.substr(2);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  auto version = parseId(value);
  if (!version || *version > std::numeric_limits<std::int32_t>::max()) {
    return {std::nullopt, errorResponse(400, "bad_request",
                                        "If-Match must be the ETag of a customer, e.g. \"3\"")};
  }
  return {static_cast<std::int32_t>(*version), std::nullopt};
}

std::optional<HttpResponse> requireJson(const HttpRequest& request, bool merge_patch_allowed) {
  const auto type = request.header("content-type");
  const std::string media = type ? trim(type->substr(0, type->find(';'))) : "";
  if (media == "application/json" ||
      (merge_patch_allowed && media == "application/merge-patch+json")) {
    return std::nullopt;
  }
  return errorResponse(415, "unsupported_media_type",
                       std::string("Content-Type must be application/json") +
                           (merge_patch_allowed ? " or application/merge-patch+json" : "") +
                           (type ? ", not " + *type : ""));
}

// "next_cursor" and "next" (or "prev_cursor" and "prev"): the cursor to pass
// back and the whole path of that page, both null at the end of the list.
void writePageLink(core::json::Writer& w, const ListQuery& query,
                   const std::optional<ListCursor>& cursor, ListDirection direction) {
  const bool after = direction == ListDirection::kAfter;
  w.Key(after ? "next_cursor" : "prev_cursor");
  if (!cursor) {
    w.Null();
    w.Key(after ? "next" : "prev");
    w.Null();
    return;
  }
  const std::string encoded = encodeCursor(query.order, *cursor);
  w.String(encoded.c_str(), static_cast<rapidjson::SizeType>(encoded.size()));
  const std::string link = pageLink(query, *cursor, direction);
  w.Key(after ? "next" : "prev");
  w.String(link.c_str(), static_cast<rapidjson::SizeType>(link.size()));
}

}  // namespace

HttpResponse CustomerHandlers::list(const HttpRequest& request) {
  auto parsed = parseListQuery(request);
  if (!parsed.query) return parsed.error;
  const ListQuery& query = *parsed.query;
  auto page = store_.list(query);
  if (!page) return errorResponse(page.error());

  rapidjson::StringBuffer buffer;
  core::json::Writer w(buffer);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const auto& c : page->items) core::json::writeCustomer(w, c);
  w.EndArray();
  w.Key("limit");
  w.Uint64(query.limit);
  w.Key("order");
  w.String(orderName(query.order));
  writePageLink(w, query, page->next_cursor, ListDirection::kAfter);
  writePageLink(w, query, page->prev_cursor, ListDirection::kBefore);
  if (page->total) {
    w.Key("total");
    w.Uint64(page->total->count);
    w.Key("total_capped");
    w.Bool(page->total->capped);
  }
  w.EndObject();
  HttpResponse response;
  response.body.assign(buffer.GetString(), buffer.GetSize());
  return response;
}

HttpResponse CustomerHandlers::create(const HttpRequest& request) {
  if (auto error = requireJson(request, false)) return *error;
  auto input = parseCustomerInput(request.body);
  if (!input.value) return input.error;

  std::optional<IdempotencyKey> key;
  if (auto header = request.header("idempotency-key")) {
    const std::string value = trim(*header);
    bool printable = !value.empty() && value.size() <= 255;
    for (unsigned char c : value) printable = printable && c > 0x20 && c < 0x7F;
    if (!printable) {
      return errorResponse(400, "bad_request",
                           "Idempotency-Key must be 1 to 255 printable ASCII characters");
    }
    const auto& in = *input.value;
    key = IdempotencyKey{value, core::fingerprint(in.name + '\0' + in.phone + '\0' + in.email)};
  }

  auto outcome = store_.create(*input.value, request.actor, key);
  if (!outcome) return errorResponse(outcome.error());
  switch (outcome->kind) {
    case CreateOutcome::Kind::kKeyReused:
      return errorResponse(422, "idempotency_key_reused",
                           "this Idempotency-Key was used with a different request body");
    case CreateOutcome::Kind::kReplayed: {
      HttpResponse response;
      response.status = 201;
      response.body = outcome->replayed_body;
      response.with("ETag", etagOf(outcome->version))
          .with("Location", "/api/customers/" + std::to_string(outcome->customer_id))
          .with("Idempotent-Replayed", "true");
      return response;
    }
    case CreateOutcome::Kind::kCreated: break;
  }
  auto response = customerResponse(201, outcome->customer);
  response.with("Location", "/api/customers/" + std::to_string(outcome->customer.id));
  return response;
}

HttpResponse CustomerHandlers::get(const HttpRequest& /*request*/, std::int64_t id) {
  return getResponse(id, store_.get(id));
}

HttpResponse CustomerHandlers::getResponse(
    std::int64_t id, const core::Result<std::optional<core::domain::Customer>>& found) {
  if (!found) return errorResponse(found.error());
  if (!*found) {
    return errorResponse(
        core::Error{core::ErrorKind::kNotFound, "customer " + std::to_string(id) + " not found"});
  }
  return customerResponse(200, **found);
}

HttpResponse CustomerHandlers::replace(const HttpRequest& request, std::int64_t id) {
  if (auto error = requireJson(request, false)) return *error;
  auto input = parseCustomerInput(request.body);
  if (!input.value) return input.error;
  auto expected = expectedVersion(request);
  if (expected.error) return *expected.error;
  const CustomerPatch all{input.value->name, input.value->phone, input.value->email};
  auto customer = store_.update(id, all, expected.version, request.actor);
  if (!customer) return errorResponse(customer.error());
  return customerResponse(200, *customer);
}

HttpResponse CustomerHandlers::patch(const HttpRequest& request, std::int64_t id) {
  if (auto error = requireJson(request, true)) return *error;
  auto patch = parseCustomerPatch(request.body);
  if (!patch.value) return patch.error;
  auto expected = expectedVersion(request);
  if (expected.error) return *expected.error;
  auto customer = store_.update(id, *patch.value, expected.version, request.actor);
  if (!customer) return errorResponse(customer.error());
  return customerResponse(200, *customer);
}

HttpResponse CustomerHandlers::remove(const HttpRequest& request, std::int64_t id) {
  auto expected = expectedVersion(request);
  if (expected.error) return *expected.error;
  auto customer = store_.remove(id, expected.version, request.actor);
  if (!customer) return errorResponse(customer.error());
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace api
