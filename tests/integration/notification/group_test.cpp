// notification-worker as several members of one consumer group on a
// 4-partition topic: partitions move between members in rebalances, and a
// member killed with -9 has its partitions taken over.

#include <doctest/doctest.h>

#include <signal.h>
#include <csignal>

#include "notification_fixture.hpp"
#include "smtp_test_servers.hpp"
#include "support/http_client.hpp"
#include "worker_process.hpp"

using testing::ChildProcess;
using testing::NotificationFixture;
using testing::RunningNotifier;

namespace {
constexpr int kPartitions = 4;
}  // namespace

TEST_CASE(
    "two members of one group: a member joins, another leaves, and every e-mail is sent once") {
  NotificationFixture f(kPartitions);
  const std::string tag = testing::uniqueName("group");
  // Enough for the stream to outlast two rebalances (a few seconds each) at
  // about 25 mails/s per member.
  constexpr int kEvents = 200;
  f.produceTagged(tag, kEvents);
  // Each SMTP command held 20 ms: the stream lasts long enough to rebalance twice.
  testing::SlowSmtpProxy proxy(testing::realSmtpPort(), std::chrono::milliseconds(20));
  auto options = f.options(f.topic() + "-group");
  options.smtp_sessions = 2;

  auto first = std::make_unique<RunningNotifier>(options, proxy.url());
  REQUIRE(testing::waitUntil([&]() { return f.sentCount() >= 10; }, std::chrono::seconds(60)));
  RunningNotifier second(options, proxy.url());  // joins: partitions move to it
  REQUIRE(testing::waitUntil([&]() { return second.metric("notification_sent_total") >= 5; },
                             std::chrono::seconds(60)));
  first->halt();  // leaves: its partitions move to the second
  const double first_sent = first->metric("notification_sent_total");
  first.reset();
  REQUIRE(testing::waitUntil([&]() { return f.sentCount() == kEvents; }, std::chrono::seconds(90)));
  CHECK(first_sent > 0);
  CHECK(first_sent + second.metric("notification_sent_total") == kEvents);
  NotificationFixture::checkMailCopies(tag, kEvents, 1);
}

TEST_CASE("a member killed with -9 has its partitions taken over within the session timeout") {
  NotificationFixture f(kPartitions);
  const std::string tag = testing::uniqueName("takeover");
  constexpr int kEvents = 200;
  constexpr int kSessions = 2;
  f.produceTagged(tag, kEvents);
  testing::SlowSmtpProxy proxy(testing::realSmtpPort(), std::chrono::milliseconds(20));
  const std::string group = f.topic() + "-takeover";
  auto args = testing::workerArgs(f, proxy.url(), group);
  args.insert(args.end(),
              {"--smtp-sessions", std::to_string(kSessions), "--session-timeout-ms", "6000"});
  ChildProcess survivor(testing::notificationWorkerCommand(args));
  std::chrono::steady_clock::time_point killed_at;
  {
    ChildProcess victim(testing::notificationWorkerCommand(args));
    REQUIRE_MESSAGE(
        testing::waitUntil([&]() { return f.sentCount() >= 20; }, std::chrono::seconds(60)),
        victim.output());
    // Both members hold partitions by now (the victim started second, so the
    // group rebalanced to give it some).
    REQUIRE(testing::waitUntil(
        [&]() { return victim.output().find("assigned " + f.topic()) != std::string::npos; }));
    CHECK(victim.stop(SIGKILL) == 128 + SIGKILL);
    killed_at = std::chrono::steady_clock::now();
  }
  const int at_kill = f.sentCount();
  CHECK(at_kill < kEvents);
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.sentCount() == kEvents; }, std::chrono::seconds(90)),
      survivor.output());
  const double takeover_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  MESSAGE("all sent " << takeover_s << " s after the kill (session timeout 6 s)");
  const int twice = NotificationFixture::checkMailCopies(tag, kEvents, 2);
  CHECK(twice <= kSessions);  // only mails inside their window at the kill
  CHECK(survivor.stop(SIGTERM) == 0);
}
