#pragma once
// The whole pipeline as separate processes, like production: customer-api,
// outbox-relay, replication-worker and notification-worker, the real binaries,
// on three fresh databases and fresh topics of the test stack, with the real
// SMTP sink.

#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <pqxx/pqxx>
#include <regex>
#include <string>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/kafka/admin.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/kafka_identity.hpp"
#include "support/test_env.hpp"

namespace testing {

class Pipeline {
 public:
  Pipeline()
      : source_("it_pipe_src"),
        replica_("it_pipe_replica"),
        notifications_("it_pipe_mail"),
        crud_topic_(uniqueName("it-pipe-crud")),
        mail_topic_(uniqueName("it-pipe-mail")),
        retry_topic_(uniqueName("it-pipe-retry")),
        failed_topic_(uniqueName("it-pipe-failed")),
        dlq_topic_(uniqueName("it-pipe-dlq")) {
    migrate(source_, "sql/customers");
    migrate(replica_, "sql/replica");
    migrate(notifications_, "sql/notifications");
    std::vector<core::kafka::TopicSpec> topics;
    for (const auto* name :
         {&crud_topic_, &mail_topic_, &retry_topic_, &failed_topic_, &dlq_topic_}) {
      topics.push_back({*name, 1, 1, {}});
    }
    const auto created = core::kafka::createTopics(kafkaBrokers(), kafkaAdminProperties(), topics);
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    // Each process logs in as its own Kafka user with its production grants.
    replication_group_ = uniqueName("it-pipe-replication");
    const auto notification_group = uniqueName("it-pipe-notification");
    core::kafka::PipelineNames names;
    names.crud_topic = crud_topic_;
    names.crud_dead_letter_topic = dlq_topic_;
    names.notification_topic = mail_topic_;
    names.notification_retry_topic = retry_topic_;
    names.notification_failed_topic = failed_topic_;
    names.replication_group = replication_group_;
    names.notification_group = notification_group;
    grantPipelineAcls(names);

    api_port_ = freePort();
    relay_port_ = freePort();
    replication_port_ = freePort();
    notification_port_ = freePort();
    // The API's pipeline panel reads the others' /metrics.
    api_ = startApi();
    relay_ = startRelay();
    replication_ = start(withKafkaIdentity(
        {binaryPath("src/workers/replication/replication-worker"), "--replica-database-url",
         replica_.urlAs(Role::kReplication), "--brokers", kafkaBrokers(), "--topic", crud_topic_,
         "--dlq-topic", dlq_topic_, "--group-id", replication_group_, "--metrics-address",
         address(replication_port_)},
        "replication-worker"));
    notification_ = start(withKafkaIdentity(
        {binaryPath("src/workers/notification/notification-worker"), "--database-url",
         notifications_.urlAs(Role::kNotification), "--brokers", kafkaBrokers(), "--smtp-url",
         requiredEnv("SMTP_URL"), "--topic", mail_topic_, "--retry-topic", retry_topic_,
         "--failed-topic", failed_topic_, "--group-id", notification_group, "--metrics-address",
         address(notification_port_)},
        "notification-worker"));
    for (auto port : {api_port_, relay_port_, replication_port_, notification_port_}) {
      REQUIRE_MESSAGE(waitUntil([&]() { return ready(port); }),
                      "a process on port " << port << " did not become ready:\n"
                                           << logs());
    }
  }

  ~Pipeline() {
    (void)core::kafka::deleteTopics(
        kafkaBrokers(), kafkaAdminProperties(),
        {crud_topic_, mail_topic_, retry_topic_, failed_topic_, dlq_topic_});
  }

  HttpClient api() const { return HttpClient(url(api_port_)); }
  HttpClient relayStatus() const { return HttpClient(url(relay_port_)); }
  HttpClient replicationStatus() const { return HttpClient(url(replication_port_)); }
  HttpClient notificationStatus() const { return HttpClient(url(notification_port_)); }

  // The sum of a metric's series on a status port (0 when absent).
  static double metric(HttpClient status, const std::string& name) {
    const auto text = status.get("/metrics").body;
    const std::regex line("^" + name + R"((\{[^}]*\})? ([0-9.e+-]+)$)", std::regex::multiline);
    double sum = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), line);
         it != std::sregex_iterator(); ++it) {
      sum += std::stod((*it)[2].str());
    }
    return sum;
  }

  // replication-worker verify: exit code and report.
  CommandResult verify() const {
    // The source side reads customers: customer_api's role may (sql/README.md).
    return runCommand(binaryPath("src/workers/replication/replication-worker") +
                      " verify --source-database-url '" + source_.urlAs(Role::kApi) +
                      "' --replica-database-url '" + replica_.urlAs(Role::kReplication) + "' 2>&1");
  }

  CommandResult relayCommand(const std::string& arguments) const {
    return runCommand(binaryPath("src/outbox/outbox-relay") + " " + arguments +
                      " --database-url '" + source_.urlAs(Role::kRelay) + "' --brokers " +
                      kafkaBrokers() + kafkaIdentityArgs("outbox-relay") + " 2>&1");
  }

  long long scalar(const TempDatabase& db, const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<long long>();
  }

  const TempDatabase& source() const { return source_; }
  const TempDatabase& replica() const { return replica_; }

  std::string logs() const {
    std::string all = stopped_output_;
    for (const auto* process : {&api_, &relay_, &replication_, &notification_}) {
      if (*process) all += (*process)->output() + "\n";
    }
    return all;
  }

  std::unique_ptr<ChildProcess>& replicationProcess() { return replication_; }

  // The writers (customer-api and outbox-relay) stopped with SIGTERM, and
  // started again with the same command lines: e.g. around a restore of the
  // source database. Their output so far is kept for logs().
  void stopWriters() {
    for (auto* process : {&api_, &relay_}) {
      if (*process) {
        (*process)->stop(SIGTERM);
        stopped_output_ += (*process)->output() + "\n";
        process->reset();
      }
    }
  }
  void startWriters() {
    api_ = startApi();
    relay_ = startRelay();
    for (auto port : {api_port_, relay_port_}) {
      REQUIRE_MESSAGE(waitUntil([&]() { return ready(port); }),
                      "a process on port " << port << " did not become ready:\n"
                                           << logs());
    }
  }

  const std::string& crudTopic() const { return crud_topic_; }
  const std::string& replicationGroup() const { return replication_group_; }

 private:
  static void migrate(const TempDatabase& db, const std::string& folder) {
    pqxx::connection c(db.url());
    auto files = core::db::loadMigrations(sourcePath(folder));
    REQUIRE(files.ok());
    REQUIRE(core::db::migrate(c, *files).ok());
  }
  static bool ready(std::uint16_t port) {
    try {
      return HttpClient(url(port)).get("/readyz").status == 200;
    } catch (const std::exception&) {
      return false;  // not listening yet
    }
  }
  static std::string address(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }
  static std::string url(std::uint16_t port) { return "http://" + address(port); }
  static std::unique_ptr<ChildProcess> start(std::vector<std::string> argv) {
    return std::make_unique<ChildProcess>(std::move(argv));
  }
  std::unique_ptr<ChildProcess> startApi() {
    return start({binaryPath("src/api/customer-api"), "--database-url", source_.urlAs(Role::kApi),
                  "--listen", address(api_port_), "--allow-unauthenticated", "--crud-topic",
                  crud_topic_, "--notification-topic", mail_topic_, "--threads", "2",
                  "--notifications-database-url", notifications_.urlAs(Role::kApi),
                  "--pipeline-metrics",
                  "outbox-relay=" + url(relay_port_) +
                      "/metrics,replication-worker=" + url(replication_port_) +
                      "/metrics,notification-worker=" + url(notification_port_) + "/metrics"});
  }
  std::unique_ptr<ChildProcess> startRelay() {
    return start(withKafkaIdentity(
        {binaryPath("src/outbox/outbox-relay"), "--database-url", source_.urlAs(Role::kRelay),
         "--brokers", kafkaBrokers(), "--metrics-address", address(relay_port_)},
        "outbox-relay"));
  }

  TempDatabase source_;
  TempDatabase replica_;
  TempDatabase notifications_;
  std::string replication_group_;
  std::string stopped_output_;
  std::string crud_topic_, mail_topic_, retry_topic_, failed_topic_, dlq_topic_;
  std::uint16_t api_port_ = 0, relay_port_ = 0, replication_port_ = 0, notification_port_ = 0;
  std::unique_ptr<ChildProcess> api_, relay_, replication_, notification_;
};

}  // namespace testing
