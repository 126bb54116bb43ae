#include <doctest/doctest.h>

#include "api/api_config.hpp"
#include "api/text.hpp"
#include "api/url.hpp"

using namespace api;

TEST_CASE("query strings are split and percent-decoded") {
  auto q = parseQuery("?q=ada%20l&limit=5&plus=a+b&empty=");
  REQUIRE(q.has_value());
  CHECK((*q)["q"] == "ada l");
  CHECK((*q)["limit"] == "5");
  CHECK((*q)["plus"] == "a b");
  CHECK((*q)["empty"].empty());
  CHECK_FALSE(parseQuery("q=%zz").has_value());
  CHECK_FALSE(urlDecode("%4").has_value());
  CHECK(*urlDecode(urlEncode("a b&c=d/é")) == "a b&c=d/é");
}

TEST_CASE("ids are positive 64-bit integers") {
  CHECK(parseId("1") == 1);
  CHECK(parseId("9223372036854775807") == INT64_MAX);
  CHECK_FALSE(parseId("9223372036854775808").has_value());
  CHECK_FALSE(parseId("0").has_value());
  CHECK_FALSE(parseId("-3").has_value());
  CHECK_FALSE(parseId("").has_value());
  CHECK_FALSE(parseId("1e3").has_value());
  CHECK_FALSE(parseId("+5").has_value());
  CHECK_FALSE(parseId(" 5").has_value());
}

TEST_CASE("trim drops white space around a value, not inside it") {
  CHECK(trim("  a b\t\r\n") == "a b");
  CHECK(trim(" \t ").empty());
  CHECK(trim("x") == "x");
}

TEST_CASE("listen addresses") {
  auto a = parseListenAddress("127.0.0.1:8080");
  REQUIRE(a.has_value());
  CHECK(a->first == "127.0.0.1");
  CHECK(a->second == 8080);
  CHECK(parseListenAddress("0.0.0.0:0")->second == 0);
  CHECK_FALSE(parseListenAddress("8080").has_value());
  CHECK_FALSE(parseListenAddress(":8080").has_value());
  CHECK_FALSE(parseListenAddress("host:65536").has_value());
  CHECK_FALSE(parseListenAddress("host:http").has_value());
}
