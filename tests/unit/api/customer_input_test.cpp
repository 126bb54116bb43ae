#include "api/customer_input.hpp"

#include <doctest/doctest.h>

using namespace api;

TEST_CASE("a valid body parses, with surrounding white space trimmed") {
  auto r = parseCustomerInput(
      R"({"name":"  Ada ","phone":"+44 (20) 7946-0000","email":"ada@example.com"})");
  REQUIRE(r.value.has_value());
  CHECK(r.value->name == "Ada");
  CHECK(r.value->phone == "+44 (20) 7946-0000");
}

TEST_CASE("names: required, not blank, at most 400 characters counted as characters") {
  CHECK(checkName("").has_value());
  CHECK(checkName(std::string(400, 'a')) == std::nullopt);
  CHECK(checkName(std::string(401, 'a')).has_value());
  std::string accents;
  for (int i = 0; i < 400; ++i) accents += "\xc3\xa9";  // 400 × é, 800 bytes
  CHECK(checkName(accents) == std::nullopt);
  CHECK(checkName("tab\there").has_value());
}

TEST_CASE("phones: plausible characters and enough digits") {
  CHECK(checkPhone("+1 555 123 4567") == std::nullopt);
  CHECK(checkPhone("(555) 123.4567") == std::nullopt);
  CHECK(checkPhone("555-1").has_value());
  CHECK(checkPhone("12+345678").has_value());
  CHECK(checkPhone("call me maybe").has_value());
  CHECK(checkPhone(std::string(33, '1')).has_value());
}

TEST_CASE("e-mail addresses") {
  for (const char* good : {"a@b.co", "first.last+tag@sub.example.org", "x_y@a-b.io"}) {
    CHECK_MESSAGE(checkEmail(good) == std::nullopt, good);
  }
  for (const char* bad : {"", "plain", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.de", "a@-b.co",
                          ".a@b.co", "a..b@c.de", "a@b..co", "a@b.co;drop"}) {
    CHECK_MESSAGE(checkEmail(bad).has_value(), bad);
  }
}

TEST_CASE("e-mail addresses at their length limits") {
  // RFC 5321: a local part of at most 64 octets, domain labels of at most 63.
  const std::string local64(64, 'l');
  CHECK(checkEmail(local64 + "@example.com") == std::nullopt);
  CHECK(checkEmail(local64 + "l@example.com") == "has a local part longer than 64 characters");
  const std::string label63(63, 'd');
  CHECK(checkEmail("a@" + label63 + ".com") == std::nullopt);
  CHECK(checkEmail("a@" + label63 + "d.com") == "must have a domain like example.com");
  CHECK(checkEmail("a@example." + label63) == std::nullopt);  // the last label too
  CHECK(checkEmail("a@example." + label63 + "d").has_value());
  // A label may hold hyphens inside, never at either end.
  CHECK(checkEmail("a@my-host.example.com") == std::nullopt);
  for (const char* bad : {"a@b-.co", "a@example.co-", "a@-example.com", "a@host.-b.co"}) {
    CHECK_MESSAGE(checkEmail(bad) == "must have a domain like example.com", bad);
  }
  // The whole address: 254 characters at most (RFC 5321 path limit).
  std::string long_domain;
  while (long_domain.size() < 240) long_domain += std::string(59, 'x') + ".";
  long_domain += "com";
  const std::string at_limit = local64.substr(0, 254 - 1 - long_domain.size()) + "@" + long_domain;
  REQUIRE(at_limit.size() == 254);
  CHECK(checkEmail(at_limit) == std::nullopt);
  CHECK(checkEmail("l" + at_limit) == "must be at most 254 characters");
}

TEST_CASE("every problem of a body is reported at once, by field") {
  auto r = parseCustomerInput(R"({"name":"","phone":12,"extra":true})");
  REQUIRE_FALSE(r.value.has_value());
  CHECK(r.error.status == 400);
  for (const char* field : {"\"name\"", "\"phone\"", "\"email\"", "\"extra\""}) {
    CHECK_MESSAGE(r.error.body.find(field) != std::string::npos, field);
  }
}

TEST_CASE("a merge patch keeps absent fields and refuses nulls") {
  auto r = parseCustomerPatch(R"({"email":"new@x.io"})");
  REQUIRE(r.value.has_value());
  CHECK_FALSE(r.value->name.has_value());
  CHECK(*r.value->email == "new@x.io");
  auto removal = parseCustomerPatch(R"({"name":null})");
  CHECK_FALSE(removal.value.has_value());
  CHECK(removal.error.body.find("name") != std::string::npos);
}

TEST_CASE("non-JSON and non-object bodies are invalid_json") {
  for (const char* body : {"", "{", "[]", "null", "\"x\"", "{\"name\":\"\xc3\x28\"}"}) {
    auto r = parseCustomerInput(body);
    CHECK_FALSE(r.value.has_value());
    CHECK(r.error.status == 400);
    CHECK(r.error.body.find("invalid_json") != std::string::npos);
  }
}
