// customer-api refuses to start without bearer tokens unless told so
// explicitly, and then only on a loopback address.

#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "api/api_config.hpp"

namespace {

// parseApiConfig over `flags`; the exit code when they are refused.
std::variant<api::ApiConfig, int> parse(std::vector<std::string> flags) {
  flags.insert(flags.begin(), {"customer-api", "--database-url", "postgresql://x@127.0.0.1/db"});
  std::vector<char*> argv;
  for (auto& flag : flags) argv.push_back(flag.data());
  return api::parseApiConfig(static_cast<int>(argv.size()), argv.data());
}

bool refused(const std::variant<api::ApiConfig, int>& result) {
  return std::holds_alternative<int>(result) && std::get<int>(result) == 2;
}

// --allow-unauthenticated on `host` (port 8080): accepted or refused.
bool openAllowedOn(const std::string& host) {
  return !refused(parse({"--listen", host + ":8080", "--allow-unauthenticated"}));
}

}  // namespace

TEST_CASE(
    "without tokens customer-api refuses to start unless --allow-unauthenticated on loopback") {
  CHECK(refused(parse({})));
  CHECK(refused(parse({"--listen", "127.0.0.1:8080"})));

  for (const char* host :
       {"127.0.0.1", "127.255.0.9", "::1", "[::1]", "localhost", "LocalHost", "0:0:0:0:0:0:0:1"}) {
    CAPTURE(host);
    CHECK(openAllowedOn(host));
  }
  for (const char* host : {"0.0.0.0", "::", "[::]", "", "10.0.0.1", "128.0.0.1",
                           "localhost.evil.com", "127.0.0.1.nip.io", "api.example.com", "::2"}) {
    CAPTURE(host);
    CHECK_FALSE(openAllowedOn(host));
  }
  const auto open = parse({"--listen", "127.0.0.1:0", "--allow-unauthenticated"});
  REQUIRE(std::holds_alternative<api::ApiConfig>(open));
  CHECK(std::get<api::ApiConfig>(open).service.tokens.empty());
}

TEST_CASE("with tokens customer-api serves any address, the switch changes nothing") {
  const std::string token = "ci:0123456789abcdef";
  for (const char* listen : {"0.0.0.0:8080", "127.0.0.1:8080"}) {
    CAPTURE(listen);
    const auto guarded = parse({"--listen", listen, "--auth-tokens", token});
    REQUIRE(std::holds_alternative<api::ApiConfig>(guarded));
    CHECK(std::get<api::ApiConfig>(guarded).service.tokens.size() == 1);
  }
  const auto both =
      parse({"--listen", "0.0.0.0:8080", "--auth-tokens", token, "--allow-unauthenticated"});
  REQUIRE(std::holds_alternative<api::ApiConfig>(both));
  CHECK(std::get<api::ApiConfig>(both).service.tokens.size() == 1);
}
