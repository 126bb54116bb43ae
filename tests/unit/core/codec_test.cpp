#include "core/json/codec.hpp"

#include <doctest/doctest.h>

using namespace core::domain;
using namespace core::json;

namespace {
Customer sampleCustomer(std::int32_t version) {
  Customer c;
  c.id = 42;
  c.name = "Ada \"Countess\" Lovelace";
  c.phone = "+44 20 7946 0000";
  c.email = "ada@example.com";
  c.version = version;
  c.created_on = Timestamp{1795847250123456};
  c.updated_on = Timestamp{1795847260000001};
  c.created_by = "api";
  c.updated_by = "api";
  return c;
}

CrudEvent sampleUpdate() {
  CrudEvent e;
  e.id = "6f1c7f0e-8f0a-4d43-9a51-2f0c1d7a9b10";
  e.type = CrudEventType::kUpdated;
  e.event_ts = Timestamp{1795847260000001};
  e.aggregate_id = 42;
  e.version = 2;
  e.outbox_id = 1234;
  e.before_change = sampleCustomer(1);
  e.after_change = sampleCustomer(2);
  return e;
}
}  // namespace

TEST_CASE("a CRUD event survives encode and decode") {
  const auto event = sampleUpdate();
  const auto text = encodeCrudEvent(event);
  auto decoded = decodeCrudEvent(text);
  REQUIRE(decoded.ok());
  CHECK(decoded->id == event.id);
  CHECK(decoded->type == CrudEventType::kUpdated);
  CHECK(decoded->event_ts == event.event_ts);
  CHECK(decoded->outbox_id == 1234);
  REQUIRE(decoded->before_change.has_value());
  CHECK(*decoded->before_change == *event.before_change);
  CHECK(*decoded->after_change == *event.after_change);
}

TEST_CASE("the CRUD event carries the reference's field names and codes") {
  const auto text = encodeCrudEvent(sampleUpdate());
  for (const char* field : {"\"app_event_type\":200", "\"event_type\":\"customer.updated\"",
                            "\"event_ts\":\"2026-11-28T06:27:40.000001Z\"", "\"schema_version\":1",
                            "\"aggregate_id\":42", "\"version\":2", "\"outbox_id\":1234",
                            "\"before_change\":{", "\"after_change\":{"}) {
    CHECK_MESSAGE(text.find(field) != std::string::npos, field);
  }
}

TEST_CASE("a created event has a null before_change") {
  auto event = sampleUpdate();
  event.type = CrudEventType::kCreated;
  event.version = 1;
  event.before_change.reset();
  event.after_change = sampleCustomer(1);
  const auto text = encodeCrudEvent(event);
  CHECK(text.find("\"before_change\":null") != std::string::npos);
  auto decoded = decodeCrudEvent(text);
  REQUIRE(decoded.ok());
  CHECK_FALSE(decoded->before_change.has_value());
}

TEST_CASE("decoding names the field that is wrong") {
  SUBCASE("not JSON") {
    auto r = decodeCrudEvent("{not json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("invalid JSON") != std::string::npos);
  }
  SUBCASE("unknown event code") {
    auto text = encodeCrudEvent(sampleUpdate());
    text.replace(text.find("200"), 3, "999");
    auto r = decodeCrudEvent(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("app_event_type") != std::string::npos);
  }
  SUBCASE("unknown schema version") {
    auto text = encodeCrudEvent(sampleUpdate());
    text.replace(text.find("\"schema_version\":1"), 18, "\"schema_version\":7");
    auto r = decodeCrudEvent(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("schema_version") != std::string::npos);
  }
  SUBCASE("wrong type in the nested customer") {
    auto text = encodeCrudEvent(sampleUpdate());
    const auto at = text.find("\"deleted\":false", text.find("after_change"));
    text.replace(at, 15, "\"deleted\":\"no\"");
    auto r = decodeCrudEvent(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("after_change.deleted") != std::string::npos);
  }
  SUBCASE("after_change that does not match the event") {
    auto event = sampleUpdate();
    event.version = 3;
    auto r = decodeCrudEvent(encodeCrudEvent(event));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("after_change") != std::string::npos);
  }
}

TEST_CASE("a notification event survives encode and decode") {
  NotificationEvent e;
  e.id = newUuid();
  e.event_ts = Timestamp{1795847250123456};
  e.source_event_id = newUuid();
  e.subject = "Your record has been created";
  e.text_msg = "Hello Ada";
  e.html_msg = "<p>Hello Ada</p>";
  e.notify_to = "ada@example.com";
  e.retries = 2;
  e.retry_log = {"attempt 1 at 2026-11-28T00:00:00.000000Z: 451 try later"};
  e.not_before = Timestamp{1795847260000000};
  const auto text = encodeNotificationEvent(e);
  for (const char* field : {"\"textMsg\"", "\"htmlMsg\"", "\"notifyTo\"", "\"notifyCC\"",
                            "\"notifyBCC\"", "\"retries\":2", "\"retryLog\"", "\"not_before\""}) {
    CHECK_MESSAGE(text.find(field) != std::string::npos, field);
  }
  auto decoded = decodeNotificationEvent(text);
  REQUIRE(decoded.ok());
  CHECK(decoded->subject == e.subject);
  CHECK(decoded->notify_to == e.notify_to);
  CHECK(decoded->retry_log == e.retry_log);
  REQUIRE(decoded->not_before.has_value());
  CHECK(*decoded->not_before == *e.not_before);
}

TEST_CASE("notification recipients may come as a JSON array") {
  auto r = decodeNotificationEvent(
      R"({"id":"x","event_ts":"2026-11-28T00:00:00Z","subject":"s","notifyTo":["a@x.io","b@x.io"]})");
  REQUIRE(r.ok());
  CHECK(r->notify_to == "a@x.io,b@x.io");
  CHECK(r->retries == 0);
}

TEST_CASE("a notification without recipients is rejected") {
  auto r = decodeNotificationEvent(R"({"id":"x","event_ts":"2026-11-28T00:00:00Z","subject":"s"})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("notifyTo") != std::string::npos);
}

TEST_CASE("uuids are version 4 and distinct") {
  const auto a = newUuid();
  const auto b = newUuid();
  CHECK(a.size() == 36);
  CHECK(a[14] == '4');
  CHECK(a != b);
}
