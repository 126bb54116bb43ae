#include <doctest/doctest.h>

#include "workers/notification/notification_event.hpp"

using notification::bareAddress;
using notification::isValidAddress;
using notification::parseNotificationEvent;
using notification::recipientsOf;
using notification::splitAddressList;

namespace {

std::string eventJson(const std::string& to, const std::string& cc = "null",
                      const std::string& bcc = "null") {
  return R"({"id":"e1","event_ts":"2026-11-28T04:27:30.123456Z","source_event_id":"s1",)"
         R"("subject":"Hello","textMsg":"text","htmlMsg":"<p>html</p>","notifyTo":)" +
         to + R"(,"notifyCC":)" + cc + R"(,"notifyBCC":)" + bcc +
         R"(,"retries":2,"retryLog":["attempt 1 at x: y"],"not_before":null})";
}

}  // namespace

TEST_CASE("notifyTo is read from a comma-separated string") {
  auto e = parseNotificationEvent(eventJson(R"("a@example.com, b@example.com")"));
  REQUIRE(e.ok());
  CHECK(e->id == "e1");
  CHECK(e->retries == 2);
  CHECK(e->retry_log.size() == 1);
  auto r = recipientsOf(*e, 10);
  REQUIRE(r.ok());
  CHECK(r->to == std::vector<std::string>{"a@example.com", "b@example.com"});
}

TEST_CASE("notifyTo, notifyCC and notifyBCC are read from JSON arrays") {
  auto e = parseNotificationEvent(eventJson(R"(["a@example.com","B <b@example.com>"])",
                                            R"(["c@example.com"])", R"(["d@example.com"])"));
  REQUIRE(e.ok());
  auto r = recipientsOf(*e, 10);
  REQUIRE(r.ok());
  CHECK(r->to == std::vector<std::string>{"a@example.com", "B <b@example.com>"});
  CHECK(r->cc == std::vector<std::string>{"c@example.com"});
  CHECK(r->bcc == std::vector<std::string>{"d@example.com"});
  CHECK(r->envelope == std::vector<std::string>{"a@example.com", "b@example.com", "c@example.com",
                                                "d@example.com"});
}

TEST_CASE("a malformed event is an error naming the field") {
  auto missing = parseNotificationEvent(R"({"id":"e1","event_ts":"2026-11-28T04:27:30Z"})");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == core::ErrorKind::kInvalidArgument);
  auto bad_list = parseNotificationEvent(eventJson("42"));
  REQUIRE_FALSE(bad_list.ok());
  CHECK(bad_list.error().message.find("notifyTo") != std::string::npos);
  CHECK_FALSE(parseNotificationEvent("not json").ok());
}

TEST_CASE("address lists split at commas and semicolons outside quotes and angle brackets") {
  CHECK(splitAddressList("a@x.org, b@y.org;c@z.org,,") ==
        std::vector<std::string>{"a@x.org", "b@y.org", "c@z.org"});
  CHECK(splitAddressList(R"("Doe, John" <j@x.org>, k@x.org)") ==
        std::vector<std::string>{R"("Doe, John" <j@x.org>)", "k@x.org"});
  CHECK(splitAddressList("  ").empty());
}

TEST_CASE("addresses are checked conservatively") {
  for (const char* good : {"a@example.com", "first.last+tag@sub.example.org", "x@localhost",
                           "o'neil@example.ie", "u@[192.0.2.1]", "u@[IPv6:2001:db8::1]"}) {
    CAPTURE(good);
    CHECK(isValidAddress(good));
  }
  for (const char* bad : {"", "plain", "@example.com", "a@", "a b@example.com", "a..b@example.com",
                          ".a@example.com", "a@-example.com", "a@exa_mple.com", "a@example..com",
                          "ü@example.com", "a@example.com\r\n", "a<b@example.com"}) {
    CAPTURE(bad);
    CHECK_FALSE(isValidAddress(bad));
  }
  CHECK_FALSE(isValidAddress(std::string(65, 'a') + "@example.com"));
}

TEST_CASE("the bare address of a named entry is the part in angle brackets") {
  CHECK(*bareAddress("Ada Lovelace <ada@example.com>") == "ada@example.com");
  CHECK(*bareAddress(" ada@example.com ") == "ada@example.com");
  CHECK_FALSE(bareAddress("Ada <ada@example.com").ok());
  CHECK_FALSE(bareAddress("Ada <not an address>").ok());
  CHECK_FALSE(bareAddress("Ada\r\nBcc: x@y.z <ada@example.com>").ok());
}

TEST_CASE("recipients: duplicates are sent to once, a bad address names its field") {
  core::domain::NotificationEvent e;
  e.notify_to = "a@example.com, A@EXAMPLE.COM";
  e.notify_cc = "a@example.com";
  e.notify_bcc = "b@example.com";
  auto r = recipientsOf(e, 10);
  REQUIRE(r.ok());
  CHECK(r->envelope == std::vector<std::string>{"a@example.com", "b@example.com"});
  CHECK(r->to.size() == 2);

  e.notify_cc = "fine@example.com, broken";
  auto bad = recipientsOf(e, 10);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("notifyCC") != std::string::npos);
  CHECK(bad.error().message.find("broken") != std::string::npos);

  core::domain::NotificationEvent only_bcc;
  only_bcc.notify_bcc = "b@example.com";
  auto none = recipientsOf(only_bcc, 10);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("notifyTo") != std::string::npos);
}

TEST_CASE("recipients: more entries than the limit, in any list, refuse the whole event") {
  const auto list = [](int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += "r" + std::to_string(i) + "@example.com,";
    return out;
  };
  core::domain::NotificationEvent e;
  e.notify_to = list(3);
  CHECK(recipientsOf(e, 3).ok());
  CHECK_FALSE(recipientsOf(e, 2).ok());

  e.notify_bcc = list(1000);  // a forged event: one customer, a thousand blind copies
  auto bcc = recipientsOf(e, 10);
  REQUIRE_FALSE(bcc.ok());
  CHECK(bcc.error().message.find("notifyBCC") != std::string::npos);
  CHECK(bcc.error().message.find("1003") != std::string::npos);

  e.notify_bcc.clear();
  e.notify_cc = list(8);  // duplicates count as named: the limit is on what the event asks
  e.notify_to = "a@example.com, a@example.com, a@example.com";
  auto cc = recipientsOf(e, 10);
  REQUIRE_FALSE(cc.ok());
  CHECK(cc.error().message.find("notifyCC") != std::string::npos);
}
