#pragma once
// UTC instants with microsecond precision, the resolution PostgreSQL keeps.

#include <cstdint>
#include <optional>
#include <string>

namespace core::domain {

struct Timestamp {
  std::int64_t micros_since_epoch = 0;

  static Timestamp now();
  bool operator==(const Timestamp& other) const {
    return micros_since_epoch == other.micros_since_epoch;
  }
  bool operator<(const Timestamp& other) const {
    return micros_since_epoch < other.micros_since_epoch;
  }
};

// "2026-11-28T04:27:30.123456Z": always UTC, always six fraction digits.
std::string formatIso8601(Timestamp ts);

// Accepts "YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)"; a space may replace the T
// and the offset may be "+00" (PostgreSQL's text form).
std::optional<Timestamp> parseIso8601(const std::string& text);

}  // namespace core::domain
