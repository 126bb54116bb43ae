#pragma once
// Small text rules the API's handlers, config and routes share: blanks around
// a value do not count, and an id is a positive 64-bit integer.

#include <cstdint>
#include <optional>
#include <string>

namespace api {

// Leading and trailing white space is not part of a value.
std::string trim(const std::string& text);

// "42" -> 42; nothing for anything that is not a positive 64-bit integer
// (no sign, no blanks, no leading '+', at most 19 digits).
std::optional<std::int64_t> parseId(const std::string& text);

}  // namespace api
