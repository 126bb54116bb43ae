#pragma once
// Durations as operators type them: "90s", "15m", "12h", "7d", or a sum such
// as "1d12h". Every number needs its unit.

#include <chrono>
#include <string>

#include "core/result.hpp"

namespace outbox {

// kInvalidArgument with a message that says what is wrong (the caller adds the
// flag name). Zero and negative durations are refused.
core::Result<std::chrono::seconds> parseDuration(const std::string& text);

// The shortest form parseDuration reads back: 90s -> "1m30s", 7 days -> "7d".
std::string formatDuration(std::chrono::seconds duration);

}  // namespace outbox
