#include "api/customer_input.hpp"

#include <doctest/doctest.h>

using namespace api;

TEST_CASE("a valid body parses, with surrounding white space trimmed") {
  auto r = parseCustomerInput(R"({"name":"  Ada ","phone":"+44 (20) 7946-0000","email":"ada@example.com"})");
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
