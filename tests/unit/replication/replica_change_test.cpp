#include <doctest/doctest.h>

#include "core/json/codec.hpp"
#include "workers/replication/replica_change.hpp"

namespace {

using core::domain::CrudEventType;

core::domain::Customer customer(std::int64_t id, std::int32_t version, bool deleted = false) {
  core::domain::Customer c;
  c.id = id;
  c.name = "Ada Lovelace";
  c.phone = "+44 20 7946 0000";
  c.email = "ada@example.com";
  c.deleted = deleted;
  c.version = version;
  c.created_on = *core::domain::parseIso8601("2026-11-28T04:27:30.123456Z");
  c.updated_on = *core::domain::parseIso8601("2026-11-28T05:00:00Z");
  c.created_by = "api";
  c.updated_by = "api";
  return c;
}

core::domain::CrudEvent event(CrudEventType type, std::int64_t id, std::int32_t version) {
  core::domain::CrudEvent e;
  e.id = "3f1c2b9a-0000-4000-8000-000000000001";
  e.type = type;
  e.event_ts = *core::domain::parseIso8601("2026-11-28T05:00:00.5Z");
  e.aggregate_id = id;
  e.version = version;
  e.outbox_id = 99;
  if (type != CrudEventType::kCreated) e.before_change = customer(id, version - 1);
  e.after_change = customer(id, version, type == CrudEventType::kDeleted);
  return e;
}

core::kafka::ConsumedMessage message(const std::string& payload, const std::string& key = "42") {
  core::kafka::ConsumedMessage m;
  m.topic = "MICROSERVICE-CUSTOMER-UPDATES";
  m.partition = 3;
  m.offset = 1234;
  m.key = key;
  m.payload = payload;
  return m;
}

// Replaces the first occurrence of `from` in the encoded event.
std::string edited(const core::domain::CrudEvent& e, const std::string& from,
                   const std::string& to) {
  auto text = core::json::encodeCrudEvent(e);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string errorOf(const core::kafka::ConsumedMessage& m) {
  auto change = replication::parseChange(m);
  REQUIRE_FALSE(change.ok());
  CHECK(change.error().kind == core::ErrorKind::kInvalidArgument);
  return change.error().message;
}

}  // namespace

TEST_CASE("a valid update becomes a typed change with its offset and event metadata") {
  auto change = replication::parseChange(
      message(core::json::encodeCrudEvent(event(CrudEventType::kUpdated, 42, 3))));
  REQUIRE_MESSAGE(change.ok(), change.error().message);
  CHECK(change->type == CrudEventType::kUpdated);
  CHECK(change->row == customer(42, 3));
  CHECK(change->event_id == "3f1c2b9a-0000-4000-8000-000000000001");
  CHECK(change->outbox_id == 99);
  CHECK(change->partition == 3);
  CHECK(change->offset == 1234);
  CHECK(core::domain::formatIso8601(change->event_ts) == "2026-11-28T05:00:00.500000Z");
}

TEST_CASE("a delete always becomes a tombstone that keeps its version") {
  auto e = event(CrudEventType::kDeleted, 42, 5);
  e.after_change->deleted = false;  // even when the payload forgot to say so
  auto change = replication::parseChange(message(core::json::encodeCrudEvent(e)));
  REQUIRE(change.ok());
  CHECK(change->row.deleted);
  CHECK(change->row.version == 5);
}

TEST_CASE("an insert or update that claims deleted = true is refused") {
  auto e = event(CrudEventType::kCreated, 42, 1);
  e.after_change->deleted = true;
  CHECK(errorOf(message(core::json::encodeCrudEvent(e))).find("deleted") != std::string::npos);
}

TEST_CASE("bad JSON, a missing field and a wrong type are refused with the field named") {
  CHECK(errorOf(message("{not json")).find("invalid JSON") != std::string::npos);
  CHECK(errorOf(message("[1,2]")).find("object") != std::string::npos);
  const auto e = event(CrudEventType::kUpdated, 42, 2);
  CHECK(errorOf(message(edited(e, "\"version\":2,", ""))).find("version") != std::string::npos);
  CHECK(errorOf(message(edited(e, "\"aggregate_id\":42", "\"aggregate_id\":\"42\"")))
            .find("aggregate_id") != std::string::npos);
  CHECK(errorOf(message(edited(e, "\"after_change\":{", "\"after_change\":null,\"x\":{")))
            .find("after_change") != std::string::npos);
}

TEST_CASE("an unsupported schema_version and an unknown app_event_type are refused") {
  const auto e = event(CrudEventType::kCreated, 42, 1);
  CHECK(errorOf(message(edited(e, "\"schema_version\":1", "\"schema_version\":2")))
            .find("schema_version") != std::string::npos);
  CHECK(errorOf(message(edited(e, "\"app_event_type\":100", "\"app_event_type\":400")))
            .find("app_event_type") != std::string::npos);
}

TEST_CASE("a message key that is not the customer id is refused, an empty key is accepted") {
  const auto text = core::json::encodeCrudEvent(event(CrudEventType::kCreated, 42, 1));
  CHECK(errorOf(message(text, "43")).find("key") != std::string::npos);
  CHECK(replication::parseChange(message(text, "")).ok());
}

TEST_CASE("values the replica could not store are refused before they reach a batch") {
  auto e = event(CrudEventType::kCreated, 42, 1);
  SUBCASE("a name over 400 characters") {
    e.after_change->name = std::string(401, 'a');
    CHECK(errorOf(message(core::json::encodeCrudEvent(e))).find("name") != std::string::npos);
  }
  SUBCASE("400 multi-byte characters are fine") {
    e.after_change->name.clear();
    for (int i = 0; i < 400; ++i) e.after_change->name += "\xC3\xA9";  // é
    CHECK(replication::parseChange(message(core::json::encodeCrudEvent(e))).ok());
  }
  SUBCASE("invalid UTF-8 bytes: refused by the parser") {
    e.after_change->email = "bad\xFF@example.com";
    CHECK(errorOf(message(core::json::encodeCrudEvent(e))).find("Invalid encoding") !=
          std::string::npos);
  }
  SUBCASE("a lone surrogate escape: valid JSON, but not storable") {
    e.after_change->email = "SURROGATE@example.com";
    auto text = core::json::encodeCrudEvent(e);
    text.replace(text.find("SURROGATE"), 9, "\\udc00");
    CHECK(errorOf(message(text)).find("after_change.email") != std::string::npos);
  }
  SUBCASE("a NUL character") {
    e.after_change->phone = std::string("555\0 1", 6);
    CHECK(errorOf(message(core::json::encodeCrudEvent(e))).find("phone") != std::string::npos);
  }
  SUBCASE("a version below 1") {
    e.version = 0;
    e.after_change->version = 0;
    CHECK(errorOf(message(core::json::encodeCrudEvent(e))).find("version") != std::string::npos);
  }
}
