#include "core/json/strict_parse.hpp"

#include <doctest/doctest.h>

#include <string>

using core::json::parseStrict;

namespace {

std::string errorOf(const std::string& text, core::json::ParseLimits limits = {}) {
  rapidjson::Document doc;
  auto parsed = parseStrict(text, doc, limits);
  return parsed.ok() ? "" : parsed.error().message;
}

}  // namespace

TEST_CASE("strict parsing accepts ordinary documents") {
  rapidjson::Document doc;
  REQUIRE(parseStrict(R"({"a":[1,{"b":null}],"c":"\u00e9"})", doc).ok());
  CHECK(doc["a"][1].IsObject());
  CHECK(std::string(doc["c"].GetString()) == "\xC3\xA9");
  CHECK(errorOf("[[[[1]]]]", {100, 4}).empty());
}

TEST_CASE("nesting a million levels deep is an error, not a stack overflow") {
  const std::string deep(1000000, '[');
  CHECK(errorOf(deep, {2000000, 16}).find("nested deeper than 16 levels at offset 16") !=
        std::string::npos);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  CHECK(errorOf(objects, {2000000, 16}).find("nested deeper") != std::string::npos);
  CHECK(errorOf("[[[[[1]]]]]", {100, 4}).find("deeper than 4") != std::string::npos);
}

TEST_CASE("duplicate keys are refused, named when the object is small") {
  CHECK(errorOf(R"({"name":"a","name":"b"})").find("duplicate key \"name\"") != std::string::npos);
  CHECK(errorOf(R"({"x":{"k":1,"k":2}})").find("duplicate key \"k\"") != std::string::npos);
  CHECK(errorOf(R"({"k":{"k":1},"j":{"k":2}})").empty());  // same key at other levels is fine
  std::string big = "{";
  for (int i = 0; i < 1000; ++i) big += "\"k" + std::to_string(i) + "\":1,";
  CHECK(errorOf(big + "\"k999\":2}").find("duplicate key in an object of 1001 keys") !=
        std::string::npos);
  CHECK(errorOf(big + "\"last\":2}").empty());
}

TEST_CASE("invalid UTF-8, a NUL byte, trailing text and oversize texts are refused") {
  CHECK(errorOf("{\"a\":\"\xC0\xAF\"}").find("Invalid encoding") != std::string::npos);
  CHECK_FALSE(errorOf(std::string("{\"a\":1}\0{}", 10)).empty());
  CHECK_FALSE(errorOf(std::string("{\"a\":\"x\0y\"}", 11)).empty());
  CHECK(errorOf("{} {}").find("offset 3") != std::string::npos);
  CHECK(errorOf("[1,2,3]", {6, 16}).find("exceeds the limit of 6") != std::string::npos);
  CHECK(errorOf("").find("invalid JSON") != std::string::npos);
}
