#include "api/edge_policy.hpp"

#include <doctest/doctest.h>

#include <variant>
#include <vector>

#include "api/api_config.hpp"

using api::EdgeOptions;
using api::EdgePolicy;
using api::HttpRequest;
using api::HttpResponse;

namespace {

HttpRequest request(const std::string& method, std::map<std::string, std::string> headers) {
  HttpRequest r;
  r.method = method;
  r.path = "/api/customers";
  r.headers = std::move(headers);
  return r;
}

std::string headerOf(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

EdgeOptions withOrigins() {
  EdgeOptions options;
  options.cors_origins = {"https://app.example.com"};
  options.allowed_hosts = {"localhost", "127.0.0.1", "::1"};
  return options;
}

}  // namespace

TEST_CASE("every answer carries the security headers") {
  const EdgePolicy policy(EdgeOptions{});
  HttpResponse response;
  policy.decorate(std::nullopt, response);
  const auto csp = headerOf(response, "Content-Security-Policy");
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("unsafe") == std::string::npos);
  CHECK(headerOf(response, "X-Content-Type-Options") == "nosniff");
  CHECK(headerOf(response, "Referrer-Policy") == "no-referrer");
  CHECK(headerOf(response, "X-Frame-Options") == "DENY");
  CHECK(headerOf(response, "Access-Control-Allow-Origin").empty());
}

TEST_CASE("CORS: only allow-listed origins get the CORS headers and a preflight answer") {
  const EdgePolicy policy(withOrigins());
  HttpResponse allowed;
  policy.decorate(std::string("https://app.example.com"), allowed);
  CHECK(headerOf(allowed, "Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(headerOf(allowed, "Vary") == "Origin");
  CHECK(headerOf(allowed, "Access-Control-Expose-Headers").find("ETag") != std::string::npos);
  HttpResponse other;
  policy.decorate(std::string("https://evil.example.com"), other);
  CHECK(headerOf(other, "Access-Control-Allow-Origin").empty());

  auto preflight = policy.screen(request("OPTIONS", {{"host", "localhost:8080"},
                                                     {"origin", "https://app.example.com"},
                                                     {"access-control-request-method", "PATCH"}}));
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(headerOf(*preflight, "Access-Control-Allow-Methods").find("PATCH") != std::string::npos);
  CHECK(headerOf(*preflight, "Access-Control-Allow-Headers").find("If-Match") != std::string::npos);
  auto refused = policy.screen(request("OPTIONS", {{"host", "localhost"},
                                                   {"origin", "https://evil.example.com"},
                                                   {"access-control-request-method", "DELETE"}}));
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(refused->body.find("Origin") != std::string::npos);
  // A plain OPTIONS is not a preflight: it is routed (and gets its 405 there).
  CHECK_FALSE(policy.screen(request("OPTIONS", {{"host", "localhost"}})));
  // With no allow-list, no preflight is ever answered with 204.
  const EdgePolicy closed(EdgeOptions{});
  auto none = closed.screen(request("OPTIONS", {{"origin", "https://app.example.com"},
                                                {"access-control-request-method", "GET"}}));
  REQUIRE(none);
  CHECK(none->status == 403);
}

TEST_CASE("while authentication is off only the allowed Host names are served") {
  const EdgePolicy policy(withOrigins());
  for (const char* host :
       {"localhost", "localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST:80"}) {
    CAPTURE(host);
    CHECK_FALSE(policy.screen(request("GET", {{"host", host}})));
  }
  for (const char* host :
       {"evil.example.com", "rebind.attacker.net:8080", "localhost.evil.com", "127.0.0.2", ""}) {
    CAPTURE(host);
    auto refused = policy.screen(request("GET", {{"host", host}}));
    REQUIRE(refused);
    CHECK(refused->status == 421);
    CHECK(refused->body.find("Host") != std::string::npos);
  }
  CHECK(policy.screen(request("GET", {})));  // no Host at all

  auto with_auth = withOrigins();
  with_auth.authentication_on = true;  // a token is the guard then
  CHECK_FALSE(EdgePolicy(with_auth).screen(request("GET", {{"host", "api.example.com"}})));
  auto any_host = withOrigins();
  any_host.allowed_hosts.clear();
  CHECK_FALSE(EdgePolicy(any_host).screen(request("GET", {{"host", "api.example.com"}})));
}

TEST_CASE("host names are compared without port, brackets or case") {
  CHECK(EdgePolicy::hostName("Example.COM:8080") == "example.com");
  CHECK(EdgePolicy::hostName("[::1]:8080") == "::1");
  CHECK(EdgePolicy::hostName("::1") == "::1");
  CHECK(EdgePolicy::hostName("localhost") == "localhost");
}

namespace {

// parseApiConfig over a list of flags; the exit code when they are refused.
std::variant<api::ApiConfig, int> parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"customer-api", "--database-url", "postgresql://x@127.0.0.1/db",
                             "--allow-unauthenticated"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return api::parseApiConfig(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("--cors-origins and --allowed-hosts: defaults, lists and refusals") {
  auto defaults = parse({});
  REQUIRE(std::holds_alternative<api::ApiConfig>(defaults));
  const auto& edge = std::get<api::ApiConfig>(defaults).service.edge;
  CHECK(edge.cors_origins.empty());
  CHECK(edge.allowed_hosts == std::set<std::string>{"localhost", "127.0.0.1", "::1"});

  auto lists = parse({"--cors-origins", "https://a.example.com, http://b.example.com:8080",
                      "--allowed-hosts", "api.example.com,Localhost"});
  REQUIRE(std::holds_alternative<api::ApiConfig>(lists));
  const auto& set = std::get<api::ApiConfig>(lists).service.edge;
  CHECK(set.cors_origins ==
        std::set<std::string>{"https://a.example.com", "http://b.example.com:8080"});
  CHECK(set.allowed_hosts == std::set<std::string>{"api.example.com", "localhost"});

  auto any = parse({"--allowed-hosts", "*"});
  REQUIRE(std::holds_alternative<api::ApiConfig>(any));
  CHECK(std::get<api::ApiConfig>(any).service.edge.allowed_hosts.empty());

  for (const char* bad :
       {"*", "https://a.example.com/", "a.example.com", "https://", "https://a.example.com/path"}) {
    CAPTURE(bad);
    auto refused = parse({"--cors-origins", bad});
    REQUIRE(std::holds_alternative<int>(refused));
    CHECK(std::get<int>(refused) == 2);
  }
  CHECK(std::get<int>(parse({"--allowed-hosts", " , "})) == 2);
}
