// The notification-worker binary: kill -9 and restart without a second
// e-mail, the redrive command, flags, /metrics and /readyz, SIGTERM.

#include <doctest/doctest.h>

#include <csignal>

#include "integration/notification/worker_process.hpp"
#include "support/http_client.hpp"

using testing::ChildProcess;
using testing::mailsContaining;
using testing::NotificationFixture;

TEST_CASE("kill -9 of the worker mid-stream, then a restart: every e-mail is sent exactly once") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("kill");
  constexpr int kEvents = 16;
  f.produceTagged(tag, kEvents);
  const std::string group = f.topic() + "-kill";
  // Each command the worker sends is held 40 ms, so a mail takes a few hundred
  // ms before the server accepts it, and the kill below lands right after a
  // mail was recorded, never inside the sent-but-not-yet-recorded window.
  testing::SlowSmtpProxy proxy(testing::realSmtpPort(), std::chrono::milliseconds(40));
  {
    // One session: with several, another mail may be inside its window.
    auto args = testing::workerArgs(f, proxy.url(), group);
    args.insert(args.end(), {"--smtp-sessions", "1"});
    ChildProcess first(testing::notificationWorkerCommand(args));
    REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.sentCount() >= 4 || !first.running(); },
                                       std::chrono::seconds(60), std::chrono::milliseconds(0)),
                    first.output());
    CHECK(first.stop(SIGKILL) == 128 + SIGKILL);
  }
  const int before_restart = f.sentCount();
  CHECK(before_restart >= 4);
  CHECK(before_restart < kEvents);  // it really died mid-stream

  ChildProcess second(
      testing::notificationWorkerCommand(testing::workerArgs(f, testing::realSmtpUrl(), group)));
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.sentCount() == kEvents; }, std::chrono::seconds(60)),
      second.output());
  NotificationFixture::checkMailCopies(tag, kEvents, 1);
  CHECK(second.stop(SIGTERM) == 0);
}

TEST_CASE(
    "kill -9 with several SMTP sessions: every e-mail arrives, at most one copy too many per "
    "session") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("killmany");
  constexpr int kEvents = 40;
  constexpr int kSessions = 4;
  f.produceTagged(tag, kEvents);
  const std::string group = f.topic() + "-killmany";
  testing::SlowSmtpProxy proxy(testing::realSmtpPort(), std::chrono::milliseconds(20));
  {
    auto args = testing::workerArgs(f, proxy.url(), group);
    args.insert(args.end(), {"--smtp-sessions", std::to_string(kSessions)});
    ChildProcess first(testing::notificationWorkerCommand(args));
    REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.sentCount() >= 10 || !first.running(); },
                                       std::chrono::seconds(60), std::chrono::milliseconds(0)),
                    first.output());
    CHECK(first.stop(SIGKILL) == 128 + SIGKILL);
  }
  CHECK(f.sentCount() < kEvents);  // it really died mid-stream
  ChildProcess second(
      testing::notificationWorkerCommand(testing::workerArgs(f, testing::realSmtpUrl(), group)));
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.sentCount() == kEvents; }, std::chrono::seconds(60)),
      second.output());
  const int twice = NotificationFixture::checkMailCopies(tag, kEvents, 2);
  // Only a mail inside its window (accepted, not yet recorded) when the
  // process died is sent again: at most one per session.
  CHECK(twice <= kSessions);
  CHECK(second.stop(SIGTERM) == 0);
}

TEST_CASE(
    "redrive moves FAILED events back once, by event id or all, and they are then sent once") {
  NotificationFixture f;
  const std::string tag1 = testing::uniqueName("redrive1");
  const std::string tag2 = testing::uniqueName("redrive2");
  const auto e1 = NotificationFixture::event(tag1);
  const auto e2 = NotificationFixture::event(tag2);
  f.produce(e1);
  f.produce(e2);
  {
    auto options = f.options();
    options.retry.max_attempts = 1;
    testing::RunningNotifier down(options,
                                  "smtp://127.0.0.1:" + std::to_string(testing::closedPort()));
    REQUIRE(testing::waitUntil([&]() {
      return down.metric("notification_failed_total{reason=\"attempts_exhausted\"}") == 2;
    }));
  }
  const std::string base = testing::workerBinary() + " redrive --database-url " +
                           f.db().urlAs(testing::Role::kNotification) + " --brokers " +
                           testing::kafkaBrokers() + " --topic " + f.topic() + " --failed-topic " +
                           f.failedTopic();

  auto future = testing::runCommand(base + " --since 2999-01-01T00:00:00Z");
  CHECK(future.exit_code == 0);
  CHECK(future.output.find("redrive: 0 event(s) to move") != std::string::npos);

  auto first = testing::runCommand(base + " --event-id " + e1.id);
  CHECK_MESSAGE(first.exit_code == 0, first.output);
  CHECK(first.output.find("redriven 1/1 event_id=" + e1.id) != std::string::npos);

  auto again = testing::runCommand(base + " --event-id " + e1.id);
  CHECK(again.exit_code == 0);
  CHECK(again.output.find("redrive: 0 event(s) to move") != std::string::npos);
  CHECK(again.output.find("(1 re-driven before)") != std::string::npos);

  auto dry = testing::runCommand(base + " --dry-run");
  CHECK(dry.exit_code == 0);
  CHECK(dry.output.find("would redrive event_id=" + e2.id) != std::string::npos);

  auto all = testing::runCommand(base);
  CHECK_MESSAGE(all.exit_code == 0, all.output);
  CHECK(all.output.find("redriven 1/1 event_id=" + e2.id) != std::string::npos);
  CHECK(all.output.find("1 re-driven before") != std::string::npos);
  CHECK(testing::runCommand(base).output.find("redrive: 0 event(s) to move") != std::string::npos);

  // On the main topic: the originals and one fresh copy of each.
  const auto main = testing::readTopic(f.topic(), 4);
  REQUIRE(main.size() == 4);
  for (std::size_t i = 2; i < 4; ++i) {
    const auto event = f.decode(main[i]);
    CHECK(event.retries == 0);
    CHECK_FALSE(event.not_before.has_value());
    REQUIRE(event.retry_log.size() == 2);
    CHECK(event.retry_log[0].rfind("attempt 1 at ", 0) == 0);
    CHECK(event.retry_log[1].rfind("redriven at ", 0) == 0);
  }

  testing::RunningNotifier up(f.options(), testing::realSmtpUrl());
  REQUIRE(testing::waitUntil([&]() { return up.metric("notification_sent_total") == 2; }));
  CHECK(mailsContaining("Subject " + tag1).size() == 1);
  CHECK(mailsContaining("Subject " + tag2).size() == 1);
  CHECK(f.logStatus(e1.id) == "sent");
  CHECK(f.logStatus(e2.id) == "sent");
}

TEST_CASE("bad flags give a one-line error naming the flag and exit 2") {
  NotificationFixture f;
  std::string good;
  for (const auto& word : testing::workerArgs(f, testing::realSmtpUrl(), "g")) good += " " + word;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --max-attempts 0", "--max-attempts"},
      {" --smtp-url ftp://127.0.0.1", "--smtp-url"},
      {" --smtp-password-file /nonexistent/secret --smtp-user u", "--smtp-password-file"},
      {" --smtp-connect-timeout-ms 5", "--smtp-connect-timeout-ms"},
      {" --smtp-starttls sometimes", "--smtp-starttls"},
      {" --smtp-from not-an-address", "--smtp-from"},
      {" --retry-topic " + f.topic(), "--retry-topic"},
      {" -X no-equals-sign", "-X"},
      {" --bogus 1", "bogus"},
  };
  for (const auto& [flags, named] : cases) {
    CAPTURE(flags);
    auto r = testing::runCommand(testing::workerBinary() + good + flags);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(named) != std::string::npos);
    CHECK(testing::lineCount(r.output) == 1);
  }
  auto missing = testing::runCommand(
      "env -u SMTP_URL " + testing::workerBinary() + " --database-url " +
      f.db().urlAs(testing::Role::kNotification) + " --brokers " + testing::kafkaBrokers());
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("--smtp-url") != std::string::npos);
  CHECK(missing.output.find("SMTP_URL") != std::string::npos);
  auto since = testing::runCommand(testing::workerBinary() + " redrive --database-url " +
                                   f.db().urlAs(testing::Role::kNotification) + " --brokers " +
                                   testing::kafkaBrokers() + " --since yesterday");
  CHECK(since.exit_code == 2);
  CHECK(since.output.find("--since") != std::string::npos);
  CHECK(testing::lineCount(since.output) == 1);
  auto help = testing::runCommand(testing::workerBinary() + " redrive --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("Exit codes") != std::string::npos);
  CHECK(help.output.find("--event-id") != std::string::npos);
}

TEST_CASE("a database without the notifications tables is refused with exit 1") {
  testing::TempDatabase empty("it_notification_empty");
  auto r = testing::runCommand(testing::workerBinary() + " --database-url " +
                               empty.urlAs(testing::Role::kNotification) + " --brokers " +
                               testing::kafkaBrokers() +
                               " --smtp-url smtp://127.0.0.1:1 --metrics-address ''");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("notification_log") != std::string::npos);
  CHECK(testing::lineCount(r.output) == 1);
}

TEST_CASE("the worker serves /metrics and /readyz, sends, and exits 0 on SIGTERM") {
  NotificationFixture f;
  const std::string tag = testing::uniqueName("process");
  ChildProcess worker(testing::notificationWorkerCommand(
      testing::workerArgs(f, testing::realSmtpUrl(), f.topic() + "-process")));
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return worker.metricsPort() > 0; }), worker.output());
  testing::HttpClient http("http://127.0.0.1:" + std::to_string(worker.metricsPort()));
  CHECK(http.get("/healthz").status == 200);
  CHECK(testing::waitUntil([&]() { return http.get("/readyz").status == 200; }));
  f.produce(NotificationFixture::event(tag));
  REQUIRE(testing::waitUntil([&]() { return !mailsContaining("Subject " + tag).empty(); }));
  REQUIRE(testing::waitUntil([&]() {
    return http.get("/metrics").body.find("\nnotification_sent_total 1\n") != std::string::npos;
  }));
  const auto metrics = http.get("/metrics").body;
  for (const char* series :
       {"notification_retried_total 0", "notification_duplicates_skipped_total 0",
        "notification_failed_total{reason=\"permanent\"} 0",
        "notification_smtp_duration_seconds_count 1", "notification_commit_to_sent_seconds_count 1",
        "notification_smtp_duration_seconds_bucket"}) {
    CAPTURE(series);
    CHECK(metrics.find(series) != std::string::npos);
  }
  CHECK(worker.stop(SIGTERM) == 0);
  CHECK(worker.output().find("state: stopped") != std::string::npos);
  CHECK(worker.output().find("smtp=smtp://") != std::string::npos);
  // The recipient is personal data, and a line per mail would flood the
  // log at 1,000 mails/s: neither is at info level.
  CHECK(worker.output().find("to-" + tag + "@example.com") == std::string::npos);
  CHECK(worker.output().find("event_id=") == std::string::npos);
}

TEST_CASE("SMTP credentials never reach the log or the retry log") {
  NotificationFixture f;
  const auto port = std::to_string(testing::closedPort());
  auto args = testing::workerArgs(f, "smtp://mailer:url-secret-77@127.0.0.1:" + port,
                                  f.topic() + "-secret");
  for (const char* extra :
       {"--smtp-user", "mailer", "--smtp-password", "flag-secret-42", "--log-level", "debug"}) {
    args.push_back(extra);
  }
  const auto e = NotificationFixture::event(testing::uniqueName("credentials"));
  f.produce(e);
  ChildProcess worker(testing::notificationWorkerCommand(args));
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return worker.metricsPort() > 0; }), worker.output());
  testing::HttpClient http("http://127.0.0.1:" + std::to_string(worker.metricsPort()));
  REQUIRE(testing::waitUntil([&]() {
    return http.get("/metrics").body.find("\nnotification_retried_total 1\n") != std::string::npos;
  }));
  CHECK(worker.stop(SIGTERM) == 0);
  const auto log = worker.output();
  CHECK(log.find("smtp=smtp://***@127.0.0.1:" + port) != std::string::npos);
  CHECK(log.find("flag-secret-42") == std::string::npos);
  CHECK(log.find("url-secret-77") == std::string::npos);
  const auto retried = testing::readTopic(f.retryTopic(), 1);
  REQUIRE(retried.size() == 1);
  CHECK(retried[0].payload.find("flag-secret-42") == std::string::npos);
  CHECK(retried[0].payload.find("url-secret-77") == std::string::npos);
}

TEST_CASE(
    "redrive knows a FAILED message by position and event id: after the FAILED topic was "
    "recreated, a new message at a position re-driven before is re-driven") {
  NotificationFixture f;
  const auto event = NotificationFixture::event(testing::uniqueName("recreated"));
  f.produce(event);
  {
    auto options = f.options();
    options.retry.max_attempts = 1;
    testing::RunningNotifier down(options,
                                  "smtp://127.0.0.1:" + std::to_string(testing::closedPort()));
    REQUIRE(testing::waitUntil([&]() {
      return down.metric("notification_failed_total{reason=\"attempts_exhausted\"}") == 1;
    }));
  }
  // The message at partition 0, offset 0 of the topic's earlier life (a lost
  // topic, an old cluster) was re-driven: another event at the same position.
  pqxx::connection c(f.db().url());
  pqxx::work tx(c);
  tx.exec_params(
      "INSERT INTO notification_redrive (failed_topic, failed_partition, failed_offset, "
      "event_id, target_topic) VALUES ($1, 0, 0, 'an-event-of-the-old-topic', $2)",
      f.failedTopic(), f.topic());
  tx.commit();

  const auto redrive = testing::runCommand(testing::workerBinary() + " redrive --database-url " +
                                           f.db().urlAs(testing::Role::kNotification) +
                                           " --brokers " + testing::kafkaBrokers() + " --topic " +
                                           f.topic() + " --failed-topic " + f.failedTopic());
  CHECK_MESSAGE(redrive.exit_code == 0, redrive.output);
  CHECK(redrive.output.find("redriven 1/1 event_id=" + event.id) != std::string::npos);
}
