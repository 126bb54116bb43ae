#pragma once
// Percent-encoding for query strings.

#include <map>
#include <optional>
#include <string>

namespace api {

std::string urlEncode(const std::string& text);
// Nothing when a %XY escape is malformed; '+' is a space.
std::optional<std::string> urlDecode(const std::string& text);
// "a=1&b=x%20y" -> {a: 1, b: "x y"}; nothing when an escape is malformed.
std::optional<std::map<std::string, std::string>> parseQuery(const std::string& query);

}  // namespace api
