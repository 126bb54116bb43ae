// The notifier against real Kafka, PostgreSQL and the SMTP sink: sent once,
// duplicates skipped, transient failures retried with backoff without
// blocking the main topic, permanent ones and exhausted ones in FAILED.

#include <doctest/doctest.h>

#include "integration/notification/notification_fixture.hpp"

using testing::mailsContaining;
using testing::NotificationFixture;
using testing::RunningNotifier;

namespace {

std::string header(const std::string& mail, const std::string& name) {
  std::size_t start = 0;
  if (mail.rfind(name + ": ", 0) == 0) {
    start = name.size() + 2;
  } else {
    const auto at = mail.find("\n" + name + ": ");
    if (at == std::string::npos) return "";
    start = at + name.size() + 3;
  }
  auto end = mail.find('\n', start);
  // Folded continuation lines belong to the header.
  while (end != std::string::npos && end + 1 < mail.size() &&
         (mail[end + 1] == ' ' || mail[end + 1] == '\t')) {
    end = mail.find('\n', end + 1);
  }
  std::string value = mail.substr(start, end - start);
  std::string out;
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

}  // namespace

TEST_CASE(
    "an event is sent once with its subject, To, Cc and Bcc recipients, text and HTML parts") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("sent");
  auto e = NotificationFixture::event(tag);
  // notifyTo as a JSON array (the reference's other form), Cc as a string.
  const std::string payload =
      "{\"id\":\"" + e.id + "\",\"event_ts\":\"" + core::domain::formatIso8601(e.event_ts) +
      "\",\"source_event_id\":\"src-" + tag + "\",\"subject\":\"Subject " + tag +
      "\",\"textMsg\":\"Plain text for " + tag + "\",\"htmlMsg\":\"<p>HTML for " + tag +
      "</p>\",\"notifyTo\":[\"to1-" + tag + "@example.com\",\"Second <to2-" + tag +
      "@example.com>\"],\"notifyCC\":\"cc-" + tag + "@example.com\",\"notifyBCC\":[\"bcc-" + tag +
      "@example.com\"],\"retries\":0,\"retryLog\":[]}";
  f.produce(f.topic(), e.id, payload);

  RunningNotifier worker(f.options(), testing::realSmtpUrl());
  REQUIRE(testing::waitUntil([&]() { return !mailsContaining("Subject " + tag).empty(); }));
  REQUIRE(testing::waitUntil([&]() { return f.logStatus(e.id) == "sent"; }));
  const auto mails = mailsContaining("Subject " + tag);
  REQUIRE(mails.size() == 1);
  const auto& mail = mails[0];
  CHECK(header(mail, "Subject") == "Subject " + tag);
  CHECK(header(mail, "To").find("to1-" + tag + "@example.com") != std::string::npos);
  CHECK(header(mail, "To").find("Second <to2-" + tag + "@example.com>") != std::string::npos);
  CHECK(header(mail, "Cc") == "cc-" + tag + "@example.com");
  CHECK(header(mail, "From") == "Tests <tests@example.com>");
  CHECK(header(mail, "Message-ID") == "<" + e.id + "@example.com>");
  CHECK_FALSE(header(mail, "Date").empty());
  CHECK(header(mail, "MIME-Version") == "1.0");
  CHECK(header(mail, "Content-Type").find("multipart/alternative") != std::string::npos);
  // Bcc is an envelope recipient only: never in a header the others can see.
  CHECK(header(mail, "Bcc").empty());
  CHECK(header(mail, "X-RcptTo").find("bcc-" + tag + "@example.com") != std::string::npos);
  CHECK(mail.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
  CHECK(mail.find("Content-Type: text/html; charset=UTF-8") != std::string::npos);
  CHECK(mail.find("Plain text for " + tag) < mail.find("<p>HTML for " + tag + "</p>"));
  CHECK(worker.metric("notification_sent_total") == 1);
  CHECK(worker.metric("notification_smtp_duration_seconds_count") == 1);
  CHECK(f.scalar("SELECT count(*) FROM notification_log WHERE status = 'sent' AND "
                 "source_event_id = 'src-" +
                 tag + "'") == 1);
}

TEST_CASE("the same event delivered twice is sent once and the duplicate is counted as skipped") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("dup");
  const auto e = NotificationFixture::event(tag);
  f.produce(e);
  f.produce(e);
  RunningNotifier worker(f.options(), testing::realSmtpUrl());
  REQUIRE(testing::waitUntil(
      [&]() { return worker.metric("notification_duplicates_skipped_total") == 1; }));
  CHECK(worker.metric("notification_sent_total") == 1);
  CHECK(mailsContaining("Subject " + tag).size() == 1);

  // A second worker of another group reads both again: both skipped.
  RunningNotifier other(f.options(f.topic() + "-other"), testing::realSmtpUrl());
  REQUIRE(testing::waitUntil(
      [&]() { return other.metric("notification_duplicates_skipped_total") == 2; }));
  CHECK(other.metric("notification_sent_total") == 0);
  CHECK(mailsContaining("Subject " + tag).size() == 1);
}

TEST_CASE(
    "SMTP down: the event goes to the retry topic with backoff and retry log, the main "
    "topic keeps flowing, and it is sent once SMTP is back") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("down");
  const auto e = NotificationFixture::event(tag);
  auto options = f.options();
  options.retry.base = std::chrono::milliseconds(16000);
  options.retry.max = std::chrono::milliseconds(16000);
  f.produce(e);
  const auto failed_at = core::domain::Timestamp::now();
  {
    RunningNotifier down(options, "smtp://127.0.0.1:" + std::to_string(testing::closedPort()));
    REQUIRE(testing::waitUntil([&]() { return down.metric("notification_retried_total") == 1; }));
    CHECK(down.metric("notification_sent_total") == 0);
  }
  const auto retried = testing::readTopic(f.retryTopic(), 1);
  REQUIRE(retried.size() == 1);
  const auto r = f.decode(retried[0]);
  CHECK(r.id == e.id);
  CHECK(r.retries == 1);
  REQUIRE(r.retry_log.size() == 1);
  CHECK(r.retry_log[0].rfind("attempt 1 at ", 0) == 0);
  CHECK(r.retry_log[0].find("onnect") != std::string::npos);  // "Couldn't connect to server"
  REQUIRE(r.not_before.has_value());
  // Backoff with jitter: between half and all of the 16 s base after the failure.
  CHECK(r.not_before->micros_since_epoch >= failed_at.micros_since_epoch + 8000000);
  CHECK(r.not_before->micros_since_epoch <=
        core::domain::Timestamp::now().micros_since_epoch + 16000000);
  CHECK(f.logStatus(e.id).empty());

  // SMTP is back. The retry event waits for not_before, paused; a new event on
  // the main topic goes out meanwhile.
  RunningNotifier up(options, testing::realSmtpUrl());
  REQUIRE(testing::waitUntil([&]() { return up.metric("notification_held_retry_partitions") == 1; },
                             std::chrono::seconds(6)));
  const std::string other_tag = testing::uniqueName("flowing");
  f.produce(NotificationFixture::event(other_tag));
  REQUIRE(testing::waitUntil([&]() { return !mailsContaining("Subject " + other_tag).empty(); },
                             std::chrono::seconds(6)));
  CHECK(core::domain::Timestamp::now() < *r.not_before);
  CHECK(mailsContaining("Subject " + tag).empty());
  CHECK(up.metric("notification_held_retry_partitions") == 1);
  REQUIRE(testing::waitUntil([&]() { return !mailsContaining("Subject " + tag).empty(); },
                             std::chrono::seconds(40)));
  CHECK(up.metric("notification_held_retry_partitions") == 0);
  CHECK_FALSE(core::domain::Timestamp::now() < *r.not_before);
  REQUIRE(testing::waitUntil([&]() { return f.logStatus(e.id) == "sent"; }));
  CHECK(f.scalar("SELECT attempts FROM notification_log WHERE event_id = '" + e.id + "'") == 2);
  CHECK(up.metric("notification_sent_total") == 2);
  CHECK(mailsContaining("Subject " + tag).size() == 1);
}

TEST_CASE("a recipient the server rejects with 550 goes to FAILED at once, with its retry log") {
  NotificationFixture f;
  testing::RejectingSmtpServer rejecting;
  const std::string tag = testing::uniqueName("rejected");
  const auto e = NotificationFixture::event(tag);
  f.produce(e);
  RunningNotifier worker(f.options(), rejecting.url());
  REQUIRE(testing::waitUntil(
      [&]() { return worker.metric("notification_failed_total{reason=\"permanent\"}") == 1; }));
  CHECK(worker.metric("notification_retried_total") == 0);
  CHECK(rejecting.rejected() == 1);
  const auto failed = testing::readTopic(f.failedTopic(), 1);
  REQUIRE(failed.size() == 1);
  const auto event = f.decode(failed[0]);
  CHECK(event.id == e.id);
  CHECK(event.retries == 1);
  REQUIRE(event.retry_log.size() == 1);
  CHECK(event.retry_log[0].find("550") != std::string::npos);
  CHECK_FALSE(event.not_before.has_value());
  CHECK(f.logStatus(e.id) == "failed");
  CHECK(testing::readTopic(f.retryTopic(), 1, std::chrono::seconds(2)).empty());
}

TEST_CASE("an invalid address goes to FAILED without any SMTP attempt") {
  NotificationFixture f;
  testing::RejectingSmtpServer server;  // would count any RCPT
  auto e = NotificationFixture::event(testing::uniqueName("invalid"));
  e.notify_to = "not an address";
  f.produce(e);
  f.produce(f.topic(), "garbage", "{ this is not json");
  RunningNotifier worker(f.options(), server.url());
  REQUIRE(testing::waitUntil(
      [&]() { return worker.metric("notification_failed_total{reason=\"permanent\"}") == 1; }));
  REQUIRE(testing::waitUntil(
      [&]() { return worker.metric("notification_failed_total{reason=\"invalid_event\"}") == 1; }));
  CHECK(server.rejected() == 0);
  auto failed = testing::readTopic(f.failedTopic(), 2);
  REQUIRE(failed.size() == 2);
  // Two keys, two lanes: either may reach FAILED first.
  if (failed[0].payload == "{ this is not json") std::swap(failed[0], failed[1]);
  CHECK(f.decode(failed[0]).retry_log.at(0).find("invalid address") != std::string::npos);
  CHECK(failed[1].payload == "{ this is not json");
}

TEST_CASE("past the attempt limit the event goes to FAILED with every attempt in its retry log") {
  NotificationFixture f;
  const auto e = NotificationFixture::event(testing::uniqueName("exhausted"));
  f.produce(e);
  RunningNotifier worker(f.options(), "smtp://127.0.0.1:" + std::to_string(testing::closedPort()));
  REQUIRE(testing::waitUntil([&]() {
    return worker.metric("notification_failed_total{reason=\"attempts_exhausted\"}") == 1;
  }));
  CHECK(worker.metric("notification_retried_total") == 2);
  const auto failed = testing::readTopic(f.failedTopic(), 1);
  REQUIRE(failed.size() == 1);
  const auto event = f.decode(failed[0]);
  CHECK(event.retries == 3);
  REQUIRE(event.retry_log.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(event.retry_log[static_cast<std::size_t>(i)].rfind(
              "attempt " + std::to_string(i + 1) + " at ", 0) == 0);
  }
  CHECK(testing::readTopic(f.retryTopic(), 2).size() == 2);
  CHECK(f.logStatus(e.id) == "failed");
}

TEST_CASE("readiness reports the database once it goes away, and the worker stays up") {
  NotificationFixture f;
  auto gone = std::make_unique<testing::TempDatabase>("it_notification_gone");
  {
    pqxx::connection c(gone->url());
    auto files = core::db::loadMigrations(testing::sourcePath("sql/notifications"));
    REQUIRE(core::db::migrate(c, *files).ok());
  }
  auto options = f.options();
  options.database_url = gone->url();
  RunningNotifier worker(options, testing::realSmtpUrl());
  REQUIRE(testing::waitUntil([&]() { return worker.metric("notification_ready") == 1; }));
  CHECK(worker.notifier.problem().empty());
  gone.reset();  // DROP DATABASE ... WITH (FORCE): the worker's session ends
  REQUIRE(testing::waitUntil([&]() { return !worker.notifier.problem().empty(); },
                             std::chrono::seconds(20)));
  CHECK(worker.notifier.problem().find("database") != std::string::npos);
  CHECK(worker.metric("notification_ready") == 0);
}

TEST_CASE("an SMTP server that never answers times out, and the event goes to the retry topic") {
  NotificationFixture f;
  std::uint16_t port = 0;
  const int silent = testing::listenOnLoopback(port);  // accepts in the kernel, never greets
  const auto e = NotificationFixture::event(testing::uniqueName("silent"));
  f.produce(e);
  {
    RunningNotifier worker(f.options(), "smtp://127.0.0.1:" + std::to_string(port),
                           std::chrono::milliseconds(1000));
    REQUIRE(testing::waitUntil([&]() { return worker.metric("notification_retried_total") >= 1; }));
  }
  ::close(silent);
  const auto retried = testing::readTopic(f.retryTopic(), 1);
  REQUIRE_FALSE(retried.empty());
  const auto event = f.decode(retried[0]);
  CHECK(event.id == e.id);
  REQUIRE(event.retry_log.size() == 1);
  CHECK(event.retry_log[0].find("timed out") != std::string::npos);
}

TEST_CASE("a 451 reply is transient: the event goes to the retry topic, not to FAILED") {
  NotificationFixture f;
  testing::RejectingSmtpServer busy(451);
  const auto e = NotificationFixture::event(testing::uniqueName("busy"));
  f.produce(e);
  {
    auto options = f.options();
    options.retry.base = std::chrono::seconds(30);
    options.retry.max = std::chrono::seconds(30);
    RunningNotifier worker(options, busy.url());
    REQUIRE(testing::waitUntil([&]() { return worker.metric("notification_retried_total") == 1; }));
    CHECK(worker.metric("notification_failed_total{reason=\"permanent\"}") == 0);
  }
  const auto retried = testing::readTopic(f.retryTopic(), 1);
  REQUIRE(retried.size() == 1);
  const auto event = f.decode(retried[0]);
  CHECK(event.retries == 1);
  REQUIRE(event.retry_log.size() == 1);
  CHECK(event.retry_log[0].find("451") != std::string::npos);
  CHECK(testing::readTopic(f.failedTopic(), 1, std::chrono::seconds(2)).empty());
}

TEST_CASE("notification_consumer_lag counts the events not yet handled and falls to 0") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("lag");
  constexpr int kEvents = 30;
  f.produceTagged(tag, kEvents);
  // One slow SMTP session: the backlog drains over a few seconds.
  testing::SlowSmtpProxy proxy(testing::realSmtpPort(), std::chrono::milliseconds(20));
  auto options = f.options();
  options.smtp_sessions = 1;
  RunningNotifier worker(options, proxy.url());
  const std::string series =
      "notification_consumer_lag{topic=\"" + f.topic() + "\",partition=\"0\"}";
  double highest = -1;
  REQUIRE(testing::waitUntil([&]() {
    highest = std::max(highest, worker.metric(series));
    return f.sentCount() == kEvents;
  }));
  CHECK(highest > 0);
  CHECK(highest <= kEvents);
  CHECK(testing::waitUntil([&]() { return worker.metric(series) == 0; }));
}
