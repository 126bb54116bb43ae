#include "soak/soak_stack.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "core/db/migrator.hpp"
#include "core/kafka/admin.hpp"
#include "support/http_client.hpp"
#include "support/kafka_identity.hpp"

namespace soak {

namespace {

void migrate(const testing::TempDatabase& db, const std::string& folder) {
  pqxx::connection c(db.url());
  auto files = core::db::loadMigrations(testing::sourcePath(folder));
  REQUIRE(files.ok());
  REQUIRE(core::db::migrate(c, *files).ok());
}

std::string address(std::uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

// A tag an e-mail address may carry: letters, digits and '-'.
std::string mailSafeTag() {
  auto tag = testing::uniqueName("soak");
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag;
}

std::string lastLines(const std::string& path, std::size_t count) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
    out += lines[i] + "\n";
  return out;
}

constexpr int kPartitions = 3;

}  // namespace

const char* slotName(Slot slot) {
  switch (slot) {
    case Slot::kApi: return "customer-api";
    case Slot::kRelayA: return "outbox-relay-a";
    case Slot::kRelayB: return "outbox-relay-b";
    case Slot::kReplication: return "replication-worker";
    case Slot::kNotification: return "notification-worker";
  }
  return "?";
}

SoakStack::SoakStack()
    : tag_(mailSafeTag()),
      source_("soak_src"),
      replica_("soak_replica"),
      notifications_("soak_mail"),
      topics_{tag_ + "-crud", tag_ + "-mail", tag_ + "-retry", tag_ + "-failed", tag_ + "-dlq"},
      replication_group_(tag_ + "-replication"),
      notification_group_(tag_ + "-notification") {
  migrate(source_, "sql/customers");
  migrate(replica_, "sql/replica");
  migrate(notifications_, "sql/notifications");
  std::vector<core::kafka::TopicSpec> specs;
  for (const auto* name :
       {&topics_.crud, &topics_.mail, &topics_.retry, &topics_.failed, &topics_.dlq}) {
    specs.push_back({*name, kPartitions, 1, {}});
  }
  const auto created =
      core::kafka::createTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(), specs);
  REQUIRE_MESSAGE(created.ok(), created.error().message);
  // Each process logs in as its own Kafka user, with its production grants.
  core::kafka::PipelineNames names;
  names.crud_topic = topics_.crud;
  names.crud_dead_letter_topic = topics_.dlq;
  names.notification_topic = topics_.mail;
  names.notification_retry_topic = topics_.retry;
  names.notification_failed_topic = topics_.failed;
  names.replication_group = replication_group_;
  names.notification_group = notification_group_;
  testing::grantPipelineAcls(names);

  // Logs outlive the test (the last soak's are kept for a post-mortem).
  const char* var = std::getenv("OUTBOX_VAR_DIR");
  log_dir_ = std::string(var != nullptr ? var : "/tmp") + "/soak";
  std::filesystem::remove_all(log_dir_);
  std::filesystem::create_directories(log_dir_);
  for (auto slot :
       {Slot::kApi, Slot::kRelayA, Slot::kRelayB, Slot::kReplication, Slot::kNotification}) {
    ports_[slot] = testing::freePort();
  }
}

SoakStack::~SoakStack() {
  processes_.clear();  // SIGKILL, before the databases are dropped
  (void)core::kafka::deleteTopics(
      testing::kafkaBrokers(), testing::kafkaAdminProperties(),
      {topics_.crud, topics_.mail, topics_.retry, topics_.failed, topics_.dlq});
}

// The one place where a process's command line is made: each process logs in
// to PostgreSQL with its own role, as in production (fixture SQL stays superuser).
std::vector<std::string> SoakStack::launchArguments(Slot slot) const {
  const auto brokers = testing::kafkaBrokers();
  const auto status = address(ports_.at(slot));
  switch (slot) {
    case Slot::kApi:
      return {testing::binaryPath("src/api/customer-api"),
              "--database-url",
              source_.urlAs(testing::Role::kApi),
              "--listen",
              status,
              "--allow-unauthenticated",
              "--crud-topic",
              topics_.crud,
              "--notification-topic",
              topics_.mail,
              "--threads",
              "2"};
    case Slot::kRelayA:
    case Slot::kRelayB:
      // A delivery waits out a Kafka outage instead of counting as a failed attempt.
      return {testing::binaryPath("src/outbox/outbox-relay"),
              "--database-url",
              source_.urlAs(testing::Role::kRelay),
              "--brokers",
              brokers,
              "--metrics-address",
              status,
              "--delivery-timeout-ms",
              "180000"};
    case Slot::kReplication:
      return {testing::binaryPath("src/workers/replication/replication-worker"),
              "--replica-database-url",
              replica_.urlAs(testing::Role::kReplication),
              "--brokers",
              brokers,
              "--topic",
              topics_.crud,
              "--dlq-topic",
              topics_.dlq,
              "--group-id",
              replication_group_,
              "--group-instance-id",
              "soak-replica-1",
              "--metrics-address",
              status};
    case Slot::kNotification:
      return {testing::binaryPath("src/workers/notification/notification-worker"),
              "--database-url",
              notifications_.urlAs(testing::Role::kNotification),
              "--brokers",
              brokers,
              "--smtp-url",
              testing::requiredEnv("SMTP_URL"),
              "--topic",
              topics_.mail,
              "--retry-topic",
              topics_.retry,
              "--failed-topic",
              topics_.failed,
              "--group-id",
              notification_group_,
              "--group-instance-id",
              "soak-mail-1",
              "--metrics-address",
              status};
  }
  return {};
}

std::unique_ptr<testing::ChildProcess> SoakStack::launch(Slot slot) const {
  auto argv = launchArguments(slot);
  // customer-api never talks to Kafka; the others log in as their component's user.
  if (slot == Slot::kRelayA || slot == Slot::kRelayB) {
    argv = testing::withKafkaIdentity(std::move(argv), "outbox-relay");
  } else if (slot != Slot::kApi) {
    argv = testing::withKafkaIdentity(std::move(argv), slotName(slot));
  }
  return std::make_unique<testing::ChildProcess>(std::move(argv),
                                                 log_dir_ + "/" + slotName(slot) + ".log");
}

void SoakStack::start(Slot slot) {
  processes_.erase(slot);
  processes_[slot] = launch(slot);
}

void SoakStack::kill(Slot slot) {
  auto it = processes_.find(slot);
  if (it == processes_.end()) return;
  it->second->signal(SIGKILL);
  (void)it->second->waitExit(std::chrono::seconds(10));
  processes_.erase(it);
}

bool SoakStack::running(Slot slot) {
  auto it = processes_.find(slot);
  return it != processes_.end() && it->second->running();
}

bool SoakStack::ready(Slot slot) const {
  try {
    return testing::HttpClient(url(ports_.at(slot))).get("/readyz").status == 200;
  } catch (const std::exception&) {
    return false;  // not listening (yet)
  }
}

bool SoakStack::leads(Slot slot) const {
  try {
    const auto body = testing::HttpClient(url(ports_.at(slot))).get("/metrics").body;
    const auto at = body.find("\noutbox_leader ");
    return at != std::string::npos && std::stod(body.substr(at + 15)) == 1.0;
  } catch (const std::exception&) {
    return false;
  }
}

long long SoakStack::scalar(const testing::TempDatabase& db, const std::string& sql) const {
  pqxx::connection c(db.url());
  pqxx::nontransaction tx(c);
  return tx.exec1(sql)[0].as<long long>();
}

// The source side reads customers, which customer_api's role may (sql/README.md).
testing::CommandResult SoakStack::verify() const {
  return testing::runCommand(testing::binaryPath("src/workers/replication/replication-worker") +
                             " verify --source-database-url '" +
                             source_.urlAs(testing::Role::kApi) + "' --replica-database-url '" +
                             replica_.urlAs(testing::Role::kReplication) + "' 2>&1");
}

std::string SoakStack::logTails() const {
  std::ostringstream out;
  for (auto slot :
       {Slot::kApi, Slot::kRelayA, Slot::kRelayB, Slot::kReplication, Slot::kNotification}) {
    out << "--- " << slotName(slot) << " (" << log_dir_ << ")\n"
        << lastLines(log_dir_ + "/" + slotName(slot) + ".log", 15);
  }
  return out.str();
}

std::string SoakStack::url(std::uint16_t port) {
  return "http://" + address(port);
}

}  // namespace soak
