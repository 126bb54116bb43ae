#include "outbox/duration.hpp"

#include <doctest/doctest.h>

using outbox::formatDuration;
using outbox::parseDuration;
using std::chrono::seconds;

TEST_CASE("durations read seconds, minutes, hours, days and sums of them") {
  CHECK(parseDuration("90s").value() == seconds(90));
  CHECK(parseDuration("15m").value() == seconds(900));
  CHECK(parseDuration("12h").value() == seconds(43200));
  CHECK(parseDuration("7d").value() == seconds(7 * 86400));
  CHECK(parseDuration("1d12h").value() == seconds(86400 + 43200));
  CHECK(parseDuration("1h30m15s").value() == seconds(3600 + 1800 + 15));
}

TEST_CASE("a duration without a unit, with an unknown unit, zero or garbage is refused") {
  for (const char* text : {"", "7", "7w", "d", "-1d", "1.5h", "0s", "0d0h", "7 d", "abc"}) {
    CAPTURE(std::string(text));
    auto parsed = parseDuration(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == core::ErrorKind::kInvalidArgument);
    CHECK(parsed.error().message.find("unit") != std::string::npos);
  }
  CHECK(parseDuration("7").error().message.find("without a unit") != std::string::npos);
  CHECK(parseDuration("7w").error().message.find("unknown unit 'w'") != std::string::npos);
  CHECK(parseDuration("0s").error().message.find("longer than zero") != std::string::npos);
}

TEST_CASE("an absurdly long duration is refused instead of overflowing") {
  CHECK_FALSE(parseDuration("99999999999999999999d").ok());
  CHECK_FALSE(parseDuration("40000d").ok());
  CHECK(parseDuration("36500d").ok());
}

TEST_CASE("formatDuration writes the shortest form parseDuration reads back") {
  CHECK(formatDuration(seconds(90)) == "1m30s");
  CHECK(formatDuration(seconds(7 * 86400)) == "7d");
  CHECK(formatDuration(seconds(86400 + 3600 + 1)) == "1d1h1s");
  CHECK(formatDuration(seconds(0)) == "0s");
  for (const auto s : {1, 59, 61, 3599, 3601, 86399, 90061, 604800}) {
    CHECK(parseDuration(formatDuration(seconds(s))).value() == seconds(s));
  }
}
