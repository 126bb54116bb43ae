#include "api/event_history.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

using api::Delivery;
using api::EmailRecord;
using core::domain::Customer;

namespace {

Customer customer(const std::string& name, const std::string& email, bool deleted = false) {
  Customer c;
  c.id = 7;
  c.name = name;
  c.phone = "555";
  c.email = email;
  c.deleted = deleted;
  return c;
}

}  // namespace

TEST_CASE("changedFields names the edited fields, all of them for a create") {
  const auto ada = customer("Ada", "ada@example.com");
  CHECK(api::changedFields(std::nullopt, ada) ==
        std::vector<std::string>{"name", "phone", "email"});
  CHECK(api::changedFields(ada, customer("Ada K", "ada@example.com")) ==
        std::vector<std::string>{"name"});
  CHECK(api::changedFields(ada, customer("Ada", "a@k.example")) ==
        std::vector<std::string>{"email"});
  CHECK(api::changedFields(ada, customer("Ada", "ada@example.com", true)) ==
        std::vector<std::string>{"deleted"});
  CHECK(api::changedFields(ada, ada).empty());  // a no-op change
  CHECK(api::changedFields(ada, std::nullopt).empty());
}

TEST_CASE("deliveryState: published wins, then skipped, parked, retrying, pending") {
  Delivery d;
  CHECK(api::deliveryState(d) == "pending");
  d.attempts = 2;
  CHECK(api::deliveryState(d) == "retrying");
  d.parked = true;
  CHECK(api::deliveryState(d) == "parked");
  d.skipped = true;
  CHECK(api::deliveryState(d) == "skipped");
  d.published_at = core::domain::Timestamp{1};
  CHECK(api::deliveryState(d) == "published");
}

TEST_CASE("emailState: the worker's log first, then queued or unknown once published") {
  EmailRecord e;
  CHECK(api::emailState(e, true) == "pending");
  e.delivery.published_at = core::domain::Timestamp{1};
  CHECK(api::emailState(e, true) == "queued");
  CHECK(api::emailState(e, false) == "unknown");
  e.log_status = "failed";
  CHECK(api::emailState(e, true) == "failed");
}

TEST_CASE("encodeHistory gives one object per event with its changes and e-mails") {
  api::HistoryEvent event;
  event.outbox_id = 41;
  event.event_id = "ev-1";
  event.event_type = "customer.updated";
  event.version = 2;
  event.before = customer("Ada", "ada@example.com");
  event.after = customer("Ada <b>", "ada@example.com");
  event.delivery.published_at = core::domain::Timestamp{1795847250123456};
  event.delivery.partition = 3;
  event.delivery.offset = 99;
  EmailRecord mail;
  mail.outbox_id = 42;
  mail.event_id = "mail-1";
  mail.log_status = "sent";
  mail.log_attempts = 1;
  event.emails.push_back(mail);
  const auto text = api::encodeHistory(7, {event}, true);
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["customer_id"].GetInt64() == 7);
  const auto& e = doc["events"][0];
  CHECK(std::string(e["event_id"].GetString()) == "ev-1");
  CHECK(e["partition"].GetInt() == 3);
  CHECK(e["offset"].GetInt64() == 99);
  CHECK(std::string(e["published_at"].GetString()) == "2026-11-28T06:27:30.123456Z");
  CHECK(std::string(e["delivery"].GetString()) == "published");
  CHECK(std::string(e["after"]["name"].GetString()) == "Ada <b>");  // JSON, not HTML: as is
  CHECK(e["changed"].Size() == 1);
  CHECK(e["payload_error"].IsNull());
  CHECK(std::string(e["emails"][0]["state"].GetString()) == "sent");
  CHECK(e["emails"][0]["outbox_id"].GetInt64() == 42);
}
