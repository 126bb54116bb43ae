// Hostile messages on the notification topics: each goes to FAILED with its
// reason and source position, nothing is sent for it, and the next good event
// is sent. Table-driven: one worker, one message after another.

#include <doctest/doctest.h>

#include <map>

#include "integration/notification/notification_fixture.hpp"

using testing::mailsContaining;
using testing::NotificationFixture;
using testing::RunningNotifier;

namespace {

struct HostileMessage {
  std::string what;
  bool on_retry_topic;
  std::string payload;
  std::string reason;    // a word the reason must hold
  std::string event_id;  // when the event decodes: FAILED then holds it re-encoded
};

std::string headerOf(const core::kafka::ConsumedMessage& m, const std::string& name) {
  for (const auto& [key, value] : m.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace

TEST_CASE("hostile notification events go to FAILED with their reason and the worker goes on") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("hostile");

  auto many_bcc = NotificationFixture::event(tag + "-bcc");
  for (int i = 0; i < 1000; ++i)
    many_bcc.notify_bcc += "victim" + std::to_string(i) + "@example.com,";
  auto many_to = NotificationFixture::event(tag + "-to");
  for (int i = 0; i < 20; ++i) many_to.notify_to += ",to" + std::to_string(i) + "@example.com";
  auto far_future = NotificationFixture::event(tag + "-future");
  far_future.retries = 1;
  far_future.not_before = core::domain::parseIso8601("9999-12-31T23:59:59Z");
  auto next_year = NotificationFixture::event(tag + "-next-year");
  next_year.retries = 1;
  next_year.not_before = core::domain::Timestamp{core::domain::Timestamp::now().micros_since_epoch +
                                                 365LL * 86400 * 1000000};
  auto duplicate_key =
      core::json::encodeNotificationEvent(NotificationFixture::event(tag + "-dup"));
  duplicate_key.insert(1, "\"notifyTo\":\"other@example.com\",");

  const std::vector<HostileMessage> cases = {
      {"half a million nested arrays", false, std::string(500000, '['), "deeper"},
      {"nested objects", false,
       [] {
         std::string s;
         for (int i = 0; i < 50000; ++i) s += "{\"a\":";
         return s;
       }(),
       "deeper"},
      {"invalid UTF-8", false, "{\"id\":\"\xC0\xAF\"}", "encoding"},
      {"a duplicate key", false, duplicate_key, "duplicate key"},
      {"a thousand Bcc recipients", false, core::json::encodeNotificationEvent(many_bcc),
       "notifyBCC", many_bcc.id},
      {"twenty-one To recipients", false, core::json::encodeNotificationEvent(many_to), "notifyTo",
       many_to.id},
      {"a retry due in the year 9999", true, core::json::encodeNotificationEvent(far_future),
       "not_before", far_future.id},
      {"a retry due next year", true, core::json::encodeNotificationEvent(next_year), "not_before",
       next_year.id},
  };
  for (const auto& c : cases) {
    f.produce(c.on_retry_topic ? f.retryTopic() : f.topic(), "k", c.payload);
  }
  // What must still get through, on both topics, after all of that.
  const auto good = NotificationFixture::event(tag + "-good");
  f.produce(good);
  auto good_retry = NotificationFixture::event(tag + "-good-retry");
  good_retry.retries = 1;
  good_retry.not_before = core::domain::Timestamp::now();
  f.produce(f.retryTopic(), good_retry.id, core::json::encodeNotificationEvent(good_retry));

  auto options = f.options();
  options.max_recipients = 20;
  RunningNotifier worker(options, testing::realSmtpUrl());
  REQUIRE(testing::waitUntil(
      [&]() { return f.logStatus(good.id) == "sent" && f.logStatus(good_retry.id) == "sent"; }));

  const auto failed = testing::readTopic(f.failedTopic(), cases.size());
  CHECK(failed.size() == cases.size());
  // The reason is a header of an invalid event, or the retry log's last line.
  std::map<std::string, std::string> reason_by_key;  // by event id, or by payload
  for (const auto& m : failed) {
    std::string reason = headerOf(m, "notification-error");
    auto event = core::json::decodeNotificationEvent(m.payload);
    if (reason.empty() && event.ok() && !event->retry_log.empty()) reason = event->retry_log.back();
    reason_by_key[event.ok() ? event->id : m.payload] = reason;
  }
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const auto it = reason_by_key.find(c.event_id.empty() ? c.payload : c.event_id);
    REQUIRE(it != reason_by_key.end());
    CHECK_MESSAGE(it->second.find(c.reason) != std::string::npos, it->second);
  }
  // Nothing was sent for any of them: only the two good events reached the sink.
  CHECK(mailsContaining(tag).size() == 2);
  CHECK(mailsContaining("victim1@example.com").empty());
  CHECK(worker.metric("notification_held_retry_partitions") == 0);
}
