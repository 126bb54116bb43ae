#include "core/domain/timestamp.hpp"

#include <doctest/doctest.h>

using core::domain::formatIso8601;
using core::domain::parseIso8601;
using core::domain::Timestamp;

TEST_CASE("formatting gives UTC with six fraction digits") {
  CHECK(formatIso8601(Timestamp{0}) == "1970-01-01T00:00:00.000000Z");
  CHECK(formatIso8601(Timestamp{1795847250123456}) == "2026-11-28T06:27:30.123456Z");
  CHECK(formatIso8601(Timestamp{-1}) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("parsing inverts formatting") {
  const Timestamp ts{1795847250123456};
  auto parsed = parseIso8601(formatIso8601(ts));
  REQUIRE(parsed.has_value());
  CHECK(*parsed == ts);
}

TEST_CASE("parsing accepts PostgreSQL's text form and offsets") {
  auto pg = parseIso8601("2026-11-28 06:27:30.123456+00");
  REQUIRE(pg.has_value());
  CHECK(pg->micros_since_epoch == 1795847250123456);
  auto offset = parseIso8601("2026-11-28T07:27:30.5+01:00");
  REQUIRE(offset.has_value());
  CHECK(offset->micros_since_epoch == 1795847250500000);
  auto whole = parseIso8601("2026-11-28T06:27:30Z");
  REQUIRE(whole.has_value());
  CHECK(whole->micros_since_epoch == 1795847250000000);
}

TEST_CASE("parsing rejects malformed text and instants without a zone") {
  CHECK_FALSE(parseIso8601("").has_value());
  CHECK_FALSE(parseIso8601("2026-11-28").has_value());
  CHECK_FALSE(parseIso8601("2026-11-28T00:27:30").has_value());
  CHECK_FALSE(parseIso8601("2026-13-28T00:27:30Z").has_value());
  CHECK_FALSE(parseIso8601("2026-11-28T00:27:30.Z").has_value());
  CHECK_FALSE(parseIso8601("2026-11-28T00:27:30Zjunk").has_value());
  CHECK_FALSE(parseIso8601("yyyy-11-28T00:27:30Z").has_value());
}
