#include "core/db/array_literal.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

using core::db::arrayLiteral;

TEST_CASE("integer arrays are plain comma-separated lists") {
  CHECK(arrayLiteral(std::vector<std::int64_t>{}) == "{}");
  CHECK(arrayLiteral(std::vector<std::int64_t>{7}) == "{7}");
  CHECK(arrayLiteral(std::vector<std::int64_t>{1, -2, 3}) == "{1,-2,3}");
  CHECK(arrayLiteral(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min()}) ==
        "{-9223372036854775808}");
  CHECK(arrayLiteral(std::vector<std::int32_t>{0, 2147483647}) == "{0,2147483647}");
}

TEST_CASE("boolean arrays use t and f") {
  CHECK(arrayLiteral(std::vector<bool>{}) == "{}");
  CHECK(arrayLiteral(std::vector<bool>{true, false, true}) == "{t,f,t}");
}

TEST_CASE("text elements are always quoted, so they stay text whatever they hold") {
  CHECK(arrayLiteral(std::vector<std::string>{}) == "{}");
  CHECK(arrayLiteral(std::vector<std::string>{"a", "b"}) == R"({"a","b"})");
  // Unquoted, these would be a NULL, an error or a different number of elements.
  CHECK(arrayLiteral(std::vector<std::string>{"NULL", ""}) == R"({"NULL",""})");
  CHECK(arrayLiteral(std::vector<std::string>{"a,b", "{c}", " d "}) == R"({"a,b","{c}"," d "})");
}

TEST_CASE("quotes and backslashes in text are escaped, other bytes pass as they are") {
  CHECK(arrayLiteral(std::vector<std::string>{R"(say "hi")"}) == R"({"say \"hi\""})");
  CHECK(arrayLiteral(std::vector<std::string>{R"(C:\dir\)"}) == R"({"C:\\dir\\"})");
  CHECK(arrayLiteral(std::vector<std::string>{"line\nbreak", "Zoë 日本", "it's"}) ==
        "{\"line\nbreak\",\"Zoë 日本\",\"it's\"}");
}
