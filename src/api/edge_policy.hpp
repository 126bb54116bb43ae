#pragma once
// What every answer of customer-api carries, and what is refused before
// routing, for browsers and the networks in front of them: security headers
// (a strict same-origin Content-Security-Policy, nosniff, no framing, no
// referrer), CORS for an explicit allow-list of origins (none by default),
// and, when authentication is off, a Host allow-list so that a DNS-rebinding
// page cannot reach an open API through a name it controls.

#include <optional>
#include <set>
#include <string>

#include "api/http_types.hpp"

namespace api {

struct EdgeOptions {
  // Exact origins ("https://app.example.com") allowed to call the API from a
  // browser; empty: no cross-origin calls.
  std::set<std::string> cors_origins;
  // Host names (without port) accepted while authentication is off; empty:
  // any (only for tests and explicit opt-out).
  std::set<std::string> allowed_hosts;
  bool authentication_on = false;
};

class EdgePolicy {
 public:
  explicit EdgePolicy(EdgeOptions options) : options_(std::move(options)) {}

  // The answer to a request refused before routing (a foreign Host), or to a
  // CORS preflight; nullopt: route it.
  std::optional<HttpResponse> screen(const HttpRequest& request) const;
  // Adds the security headers, and the CORS headers when `origin` (the
  // request's Origin header) is allowed.
  void decorate(const std::optional<std::string>& origin, HttpResponse& response) const;

  // "example.com" of "example.com:8080", "::1" of "[::1]:8080" or "::1";
  // lower case.
  static std::string hostName(const std::string& host_header);

 private:
  bool originAllowed(const std::optional<std::string>& origin) const;

  EdgeOptions options_;
};

}  // namespace api
