#include "api/incoming_request.hpp"

#include <algorithm>
#include <cctype>

#include "api/url.hpp"
#include "core/domain/events.hpp"

namespace api {

namespace {

// Echoed in the answer and written to logs: short and plain, or replaced.
bool validRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

HttpRequest toHttpRequest(ParsedRequest in) {
  HttpRequest out;
  out.method = std::move(in.method);
  out.path = std::move(in.path);
  for (std::size_t start = 0; start < in.query.size();) {
    const auto amp = std::min(in.query.find('&', start), in.query.size());
    const auto pair = in.query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const auto raw_name = pair.substr(0, equals);
    const auto raw_value = equals == std::string::npos ? std::string() : pair.substr(equals + 1);
    auto name = urlDecode(raw_name);
    auto value = urlDecode(raw_value);
    // The first of repeated parameters counts.
    out.query.emplace(name ? *name : raw_name, value ? *value : raw_value);
  }
  for (auto& [name, value] : in.headers) {
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  out.body = std::move(in.body);
  auto id = out.header("x-request-id");
  out.request_id = id && validRequestId(*id) ? *id : core::domain::newUuid();
  return out;
}

}  // namespace api
