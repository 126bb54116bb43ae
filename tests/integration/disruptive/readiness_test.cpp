// /readyz of the relay and both workers follows Kafka and PostgreSQL: 503
// with the reason within 5 s of either going away, 200 within 5 s of its
// return, while the processes sit idle (no traffic to fail on). Stops and
// starts services of the test stack, so ctest runs it alone (RUN_SERIAL).

#include <doctest/doctest.h>

#include "integration/disruptive/test_services.hpp"
#include "integration/notification/notification_fixture.hpp"
#include "integration/relay/relay_fixture.hpp"
#include "integration/replication/replication_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace {

struct Daemon {
  std::string name;
  std::uint16_t port;
  std::unique_ptr<testing::ChildProcess> process;
  // The status of /readyz; 0 while nothing listens yet.
  int readyz() const {
    try {
      return testing::HttpClient("http://127.0.0.1:" + std::to_string(port)).get("/readyz").status;
    } catch (const std::exception&) {
      return 0;
    }
  }
};

using testing::RestartOnExit;

// Seconds until every daemon's /readyz answers `status`, or -1 past `limit`.
double secondsUntil(const std::vector<Daemon>& daemons, int status, std::chrono::seconds limit) {
  const auto started = std::chrono::steady_clock::now();
  const bool reached = testing::waitUntil(
      [&]() {
        for (const auto& d : daemons) {
          if (d.readyz() != status) return false;
        }
        return true;
      },
      limit, std::chrono::milliseconds(100));
  return reached ? std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
                 : -1;
}

// The relay and both workers, idle, on throwaway databases and topics.
struct ThreeDaemons {
  testing::RelayFixture relay_db;
  testing::ReplicationFixture replica;
  testing::NotificationFixture mail;
  std::vector<Daemon> daemons;

  // Each logs in as its own Kafka user, with that user's production grants.
  ThreeDaemons() {
    const auto relay_options = relay_db.relayOptions();
    start("outbox-relay", testing::withKafkaIdentity(
                              {testing::binaryPath("src/outbox/outbox-relay"), "--database-url",
                               relay_options.database_url, "--brokers", testing::kafkaBrokers(),
                               "--lock-key", std::to_string(relay_options.lock_key)},
                              "outbox-relay"));
    start("replication-worker",
          testing::replicationWorkerCommand(replica.workerArgs(replica.options().group_id, {})));
    core::kafka::PipelineNames names;
    names.notification_topic = mail.topic();
    names.notification_retry_topic = mail.retryTopic();
    names.notification_failed_topic = mail.failedTopic();
    names.notification_group = testing::uniqueName("it-ready");
    testing::grantPipelineAcls(names);
    start("notification-worker",
          testing::withKafkaIdentity(
              {testing::binaryPath("src/workers/notification/notification-worker"),
               "--database-url", mail.db().urlAs(testing::Role::kNotification), "--brokers",
               testing::kafkaBrokers(), "--smtp-url", testing::realSmtpUrl(), "--topic",
               mail.topic(), "--retry-topic", mail.retryTopic(), "--failed-topic",
               mail.failedTopic(), "--group-id", names.notification_group},
              "notification-worker"));
    REQUIRE(secondsUntil(daemons, 200, std::chrono::seconds(30)) >= 0);
  }

  void start(const std::string& name, std::vector<std::string> argv) {
    const auto port = testing::freePort();
    argv.insert(argv.end(), {"--metrics-address", "127.0.0.1:" + std::to_string(port)});
    daemons.push_back({name, port, std::make_unique<testing::ChildProcess>(argv)});
  }

  // Each says why it is not ready, naming one of `words`, and still runs.
  void checkNotReady(const std::vector<std::string>& words) const {
    for (const auto& d : daemons) {
      CAPTURE(d.name);
      const auto answer =
          testing::HttpClient("http://127.0.0.1:" + std::to_string(d.port)).get("/readyz");
      CHECK(answer.status == 503);
      bool named = false;
      for (const auto& word : words) named = named || answer.body.find(word) != std::string::npos;
      CHECK_MESSAGE(named, answer.body);
      CHECK(d.process->running());
    }
  }
};

}  // namespace

TEST_CASE("readiness of the relay and both workers follows Kafka within 5 s, both ways") {
  ThreeDaemons three;
  RestartOnExit restart{"kafka"};
  testing::testService("stop", "kafka");
  const double down = secondsUntil(three.daemons, 503, std::chrono::seconds(5));
  MESSAGE("all not ready " << down << " s after Kafka stopped");
  CHECK(down >= 0);
  three.checkNotReady({"kafka", "broker"});

  testing::testService("start", "kafka");
  const double up = secondsUntil(three.daemons, 200, std::chrono::seconds(5));
  MESSAGE("all ready again " << up << " s after Kafka returned");
  CHECK(up >= 0);
}

TEST_CASE("readiness of the relay and both workers follows PostgreSQL within 5 s, both ways") {
  ThreeDaemons three;
  {
    RestartOnExit restart{"postgres"};
    testing::testService("stop", "postgres");
    const double down = secondsUntil(three.daemons, 503, std::chrono::seconds(5));
    MESSAGE("all not ready " << down << " s after PostgreSQL stopped");
    CHECK(down >= 0);
    three.checkNotReady({"database"});
    testing::testService("start", "postgres");
  }
  const double up = secondsUntil(three.daemons, 200, std::chrono::seconds(5));
  MESSAGE("all ready again " << up << " s after PostgreSQL returned");
  CHECK(up >= 0);
  for (const auto& d : three.daemons) {
    CAPTURE(d.name);
    CHECK(d.readyz() == 200);
  }
}
