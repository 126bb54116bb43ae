#include "outbox/duration.hpp"

#include <cstdint>
#include <limits>

namespace outbox {

namespace {

constexpr std::int64_t kMaxSeconds = std::int64_t{100} * 365 * 86400;  // a century

core::Error invalid(const std::string& text, const std::string& why) {
  return core::Error{core::ErrorKind::kInvalidArgument,
                     "'" + text + "' " + why + " (use a number and a unit: s, m, h or d, e.g. 7d)"};
}

std::int64_t unitSeconds(char unit) {
  switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    default: return 0;
  }
}

}  // namespace

core::Result<std::chrono::seconds> parseDuration(const std::string& text) {
  if (text.empty()) return invalid(text, "is empty");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return invalid(text, "is not a duration");
    std::int64_t number = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      number = number * 10 + (text[i] - '0');
      if (number > kMaxSeconds) return invalid(text, "is too long");
      ++i;
    }
    if (i == text.size()) return invalid(text, "has a number without a unit");
    const std::int64_t unit = unitSeconds(text[i]);
    if (unit == 0) return invalid(text, "has an unknown unit '" + std::string(1, text[i]) + "'");
    ++i;
    total += number * unit;
    if (total > kMaxSeconds) return invalid(text, "is too long");
  }
  if (total <= 0) return invalid(text, "must be longer than zero");
  return std::chrono::seconds(total);
}

std::string formatDuration(std::chrono::seconds duration) {
  std::int64_t left = duration.count();
  if (left <= 0) return "0s";
  std::string out;
  for (const auto& [unit, seconds] :
       {std::pair<char, std::int64_t>{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}) {
    if (left >= seconds) {
      out += std::to_string(left / seconds) + unit;
      left %= seconds;
    }
  }
  return out;
}

}  // namespace outbox
