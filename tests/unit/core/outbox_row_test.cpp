#include "core/db/outbox_row.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using core::db::OutboxHeaders;

TEST_CASE("an event's headers are its id and type, encoded as a JSON object of strings") {
  const auto headers = core::db::eventHeaders("e-1", "customer.created");
  CHECK(headers == OutboxHeaders{{"event_id", "e-1"}, {"event_type", "customer.created"}});
  CHECK(core::db::encodeHeaders(headers) ==
        R"({"event_id":"e-1","event_type":"customer.created"})");
  CHECK(core::db::encodeHeaders({}) == "{}");
}

TEST_CASE("headers survive encoding and parsing, quotes and non-ASCII text included") {
  const OutboxHeaders headers{{"a", "say \"hi\"\n"}, {"b\\c", "Ünïcødé"}, {"empty", ""}};
  CHECK(core::db::parseHeaders(core::db::encodeHeaders(headers)) == headers);
}

TEST_CASE("parsing headers keeps the string members and ignores what it cannot use") {
  CHECK(core::db::parseHeaders(R"({"event_id":"e","n":1,"o":{},"x":null,"t":"v"})") ==
        OutboxHeaders{{"event_id", "e"}, {"t", "v"}});
  CHECK(core::db::parseHeaders("").empty());
  CHECK(core::db::parseHeaders("not json").empty());
  CHECK(core::db::parseHeaders(R"(["event_id","e"])").empty());
  CHECK(core::db::parseHeaders(R"({"event_id":"e")").empty());
}

TEST_CASE("the shared select list has as many columns as the row reader reads") {
  const std::string columns = OUTBOX_ROW_COLUMNS;
  CHECK(std::count(columns.begin(), columns.end(), ',') + 1 == core::db::kOutboxRowColumnCount);
  CHECK(columns.rfind("id, ", 0) == 0);
}
