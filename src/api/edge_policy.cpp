#include "api/edge_policy.hpp"

#include <algorithm>
#include <cctype>

#include "api/http_errors.hpp"

namespace api {

namespace {

// Same origin only; the UI has no inline script or style. frame-ancestors
// replaces X-Frame-Options, which is kept for old browsers.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

constexpr const char* kAllowedMethods = "GET, POST, PUT, PATCH, DELETE";
constexpr const char* kAllowedHeaders =
    "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id";
constexpr const char* kExposedHeaders = "ETag, Location, X-Request-Id";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string EdgePolicy::hostName(const std::string& host_header) {
  std::string host = lower(host_header);
  if (!host.empty() && host.front() == '[') {
    const auto end = host.find(']');
    return end == std::string::npos ? host : host.substr(1, end - 1);
  }
  // A bare IPv6 address (as given in --allowed-hosts) has no port.
  if (std::count(host.begin(), host.end(), ':') > 1) return host;
  return host.substr(0, host.find(':'));
}

bool EdgePolicy::originAllowed(const std::optional<std::string>& origin) const {
  return origin && options_.cors_origins.count(*origin) > 0;
}

std::optional<HttpResponse> EdgePolicy::screen(const HttpRequest& request) const {
  if (!options_.authentication_on && !options_.allowed_hosts.empty()) {
    const auto host = request.header("host");
    if (!host || options_.allowed_hosts.count(hostName(*host)) == 0) {
      return errorResponse(
          421, "misdirected_request",
          "this server answers only its configured host names (--allowed-host) while "
          "authentication is off",
          {{"Host", "is not an allowed host name"}});
    }
  }
  // A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
  const auto origin = request.header("origin");
  if (request.method != "OPTIONS" || !origin || !request.header("access-control-request-method")) {
    return std::nullopt;
  }
  if (!originAllowed(origin)) {
    return errorResponse(403, "cors_origin_not_allowed",
                         "cross-origin requests from this origin are not allowed (--cors-origin)",
                         {{"Origin", "is not in the allow-list"}});
  }
  HttpResponse response{204, "", {}, ""};
  response.with("Access-Control-Allow-Methods", kAllowedMethods)
      .with("Access-Control-Allow-Headers", kAllowedHeaders)
      .with("Access-Control-Max-Age", "600");
  return response;
}

void EdgePolicy::decorate(const std::optional<std::string>& origin, HttpResponse& response) const {
  response.with("Content-Security-Policy", kContentSecurityPolicy)
      .with("X-Content-Type-Options", "nosniff")
      .with("X-Frame-Options", "DENY")
      .with("Referrer-Policy", "no-referrer");
  if (options_.cors_origins.empty()) return;
  response.with("Vary", "Origin");
  if (!originAllowed(origin)) return;
  response.with("Access-Control-Allow-Origin", *origin)
      .with("Access-Control-Expose-Headers", kExposedHeaders);
}

}  // namespace api
