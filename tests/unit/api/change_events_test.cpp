#include "api/change_events.hpp"

#include <doctest/doctest.h>

#include <tuple>

#include "core/json/codec.hpp"

using namespace api;
using core::domain::CrudEventType;

namespace {
core::domain::Customer customer(int version) {
  core::domain::Customer c;
  c.id = 7;
  c.name = "Bob <script>";
  c.phone = "12345";
  c.email = "bob@example.com";
  c.version = version;
  c.updated_on = core::domain::Timestamp{1795847250123456};
  return c;
}
}  // namespace

TEST_CASE("each change type has the reference subject and event code") {
  const std::vector<std::tuple<CrudEventType, const char*, const char*>> cases = {
      {CrudEventType::kCreated, "Your record has been created", "customer.created"},
      {CrudEventType::kUpdated, "Your information has been updated", "customer.updated"},
      {CrudEventType::kDeleted, "Your record has been deleted", "customer.deleted"}};
  for (const auto& [type, subject, name] : cases) {
    const auto events = buildChangeEvents(type, customer(1), customer(2), {});
    CHECK(events.crud.event_type == name);
    auto mail = core::json::decodeNotificationEvent(events.notification.payload);
    REQUIRE(mail.ok());
    CHECK(mail->subject == subject);
    auto crud = core::json::decodeCrudEvent(events.crud.payload);
    REQUIRE(crud.ok());
    CHECK(static_cast<int>(crud->type) == static_cast<int>(type));
    CHECK(mail->source_event_id == crud->id);
    CHECK(crud->event_ts == customer(2).updated_on);
  }
}

TEST_CASE("the HTML body escapes the customer's data and the text body carries it as is") {
  const auto n = buildNotification(CrudEventType::kCreated, customer(1), "src", {});
  CHECK(n.html_msg.find("<script>") == std::string::npos);
  CHECK(n.html_msg.find("Bob &lt;script&gt;") != std::string::npos);
  CHECK(n.text_msg.find("Bob <script>") != std::string::npos);
  CHECK(n.text_msg.find("12345") != std::string::npos);
  CHECK(n.notify_to == "bob@example.com");
}

TEST_CASE("topics are configurable") {
  EventTopics topics{"crud-x", "mail-x"};
  const auto events = buildChangeEvents(CrudEventType::kCreated, std::nullopt, customer(1), topics);
  CHECK(events.crud.topic == "crud-x");
  CHECK(events.notification.topic == "mail-x");
}

TEST_CASE("both outbox rows are keyed by the customer and carry their event's id and type") {
  const auto events = buildChangeEvents(CrudEventType::kUpdated, customer(1), customer(2), {});
  auto crud = core::json::decodeCrudEvent(events.crud.payload);
  auto mail = core::json::decodeNotificationEvent(events.notification.payload);
  REQUIRE(crud.ok());
  REQUIRE(mail.ok());
  for (const auto* row : {&events.crud, &events.notification}) {
    CHECK(row->key == "7");
    CHECK(row->aggregate_type == "customer");
    CHECK(row->aggregate_id == 7);
    CHECK(row->aggregate_version == 2);
  }
  CHECK(events.crud.headers == core::db::eventHeaders(crud->id, "customer.updated"));
  CHECK(events.notification.headers == core::db::eventHeaders(mail->id, "notification.email"));
}
