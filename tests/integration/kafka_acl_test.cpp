// The test stack's broker as setup/ configures it (SASL login, ACLs from
// `pipeline-admin kafka-acls`): who may write and read the pipeline's topics.

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "core/domain/events.hpp"
#include "core/kafka/acls.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "support/kafka_identity.hpp"
#include "support/test_env.hpp"

using core::kafka::Properties;

namespace {

// Produces one probe message to `topic` as `identity`: empty when it was
// stored, else the delivery error. Nothing waits longer than 5 s.
std::string produceProbe(const std::string& topic, Properties identity) {
  identity.emplace_back("message.timeout.ms", "5000");
  auto producer =
      core::kafka::Producer::create({testing::kafkaBrokers(), "it-acl-probe", true, identity});
  REQUIRE_MESSAGE(producer.ok(), (producer.ok() ? std::string() : producer.error().message));
  REQUIRE((*producer)->produce({topic, "acl-probe", "acl-probe", {}, 1, -1}).ok());
  std::vector<core::kafka::DeliveryReport> reports;
  testing::waitUntil(
      [&]() {
        (*producer)->poll(100);
        for (auto& r : (*producer)->takeDeliveryReports()) reports.push_back(std::move(r));
        return !reports.empty();
      },
      std::chrono::seconds(15));
  REQUIRE(reports.size() == 1);
  if (reports[0].persisted) return "";
  return reports[0].error ? reports[0].error->message : "not persisted";
}

// The first error a consumer of `topic` in `group` meets as `identity`
// (empty when it reads without one for 10 s).
std::string consumeError(const std::string& topic, const std::string& group,
                         const Properties& identity) {
  core::kafka::ConsumerOptions options;
  options.brokers = testing::kafkaBrokers();
  options.group_id = group;
  options.topics = {topic};
  options.extra = identity;
  auto consumer = core::kafka::Consumer::create(options);
  REQUIRE_MESSAGE(consumer.ok(), (consumer.ok() ? std::string() : consumer.error().message));
  std::string error;
  testing::waitUntil(
      [&]() {
        auto polled = (*consumer)->poll(200);
        if (!polled) error = polled.error().message;
        return !error.empty();
      },
      std::chrono::seconds(10), std::chrono::milliseconds(0));
  return error;
}

Properties withWrongPassword(Properties identity) {
  for (auto& [key, value] : identity) {
    if (key == "sasl.password") value += "-wrong";
  }
  return identity;
}

}  // namespace

TEST_CASE("only outbox-relay may write the CRUD topic") {
  const std::string crud = core::domain::kCustomerUpdatesTopic;
  const auto relay = testing::kafkaUserProperties(core::kafka::kRelayUser);

  // No login at all: the SASL listener never lets the client in.
  CHECK_FALSE(produceProbe(crud, {}).empty());
  const auto wrong_password = produceProbe(crud, withWrongPassword(relay));
  CHECK_FALSE(wrong_password.empty());
  const auto worker =
      produceProbe(crud, testing::kafkaUserProperties(core::kafka::kReplicationUser));
  CHECK(worker.find("Topic authorization failed") != std::string::npos);
  const auto mailer =
      produceProbe(crud, testing::kafkaUserProperties(core::kafka::kNotificationUser));
  CHECK(mailer.find("Topic authorization failed") != std::string::npos);

  // The relay's own identity, idempotent as in production, is let through.
  CHECK(produceProbe(crud, relay).empty());
}

TEST_CASE("only notification-worker may write the notification retry and FAILED topics") {
  const auto relay = testing::kafkaUserProperties(core::kafka::kRelayUser);
  const auto mailer = testing::kafkaUserProperties(core::kafka::kNotificationUser);
  for (const std::string topic :
       {core::domain::kNotificationRetryTopic, core::domain::kNotificationFailedTopic}) {
    CAPTURE(topic);
    CHECK(produceProbe(topic, relay).find("Topic authorization failed") != std::string::npos);
  }
  // The worker's own grant on its FAILED topic (a probe there is harmless:
  // no test stack process reads it).
  CHECK(produceProbe(core::domain::kNotificationFailedTopic, mailer).empty());
}

TEST_CASE("a worker cannot read another worker's topic or join its group") {
  const auto replication = testing::kafkaUserProperties(core::kafka::kReplicationUser);
  const auto mailer = testing::kafkaUserProperties(core::kafka::kNotificationUser);
  const core::kafka::PipelineNames names;

  // notification-worker in its own group, on the CRUD topic.
  CHECK(consumeError(names.crud_topic, names.notification_group, mailer)
            .find("authorization failed") != std::string::npos);
  // replication-worker on its own topic, but in notification-worker's group.
  CHECK(consumeError(names.crud_topic, names.notification_group, replication)
            .find("authorization failed") != std::string::npos);
}

TEST_CASE("a relay with a wrong Kafka password stops at start-up and says the login was refused") {
  const std::string file = "/tmp/" + testing::uniqueName("wrong-kafka-password");
  REQUIRE(testing::runCommand("echo not-the-password > " + file).exit_code == 0);
  const auto r = testing::runCommand(
      testing::binaryPath("src/outbox/outbox-relay") + " --once --database-url '" +
      testing::requiredEnv("DATABASE_URL") + "' --brokers " + testing::kafkaBrokers() +
      " --metrics-address '' --kafka-security-protocol sasl_plaintext --kafka-user outbox-relay" +
      " --kafka-password-file " + file);
  std::remove(file.c_str());
  CHECK(r.exit_code == 3);
  CHECK(r.output.find("SASL authentication error") != std::string::npos);
  CHECK(r.output.find("Invalid username or password") != std::string::npos);
}

TEST_CASE(
    "pipeline-admin kafka-acls grants the relay a renamed CRUD topic, and a rerun changes "
    "nothing") {
  const auto topic = testing::uniqueName("it-acl-crud");
  REQUIRE(core::kafka::createTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                    {{topic, 1, 1, {}}})
              .ok());
  const auto relay = testing::kafkaUserProperties(core::kafka::kRelayUser);
  CHECK(produceProbe(topic, relay).find("Topic authorization failed") != std::string::npos);

  const std::string grant = testing::binaryPath("src/admin/pipeline-admin") +
                            " kafka-acls --brokers " + testing::kafkaBrokers() + " --crud-topic " +
                            topic;
  for (int run = 0; run < 2; ++run) {
    const auto granted = testing::runCommand(grant);
    CHECK_MESSAGE(granted.exit_code == 0, granted.output);
    CHECK(granted.output.find("15 ACLs present") != std::string::npos);
  }
  CHECK(produceProbe(topic, relay).empty());

  const auto empty =
      testing::runCommand(testing::binaryPath("src/admin/pipeline-admin") +
                          " kafka-acls --brokers " + testing::kafkaBrokers() + " --crud-topic ''");
  CHECK(empty.exit_code == 2);
  CHECK(empty.output.find("--crud-topic must not be empty") != std::string::npos);
  (void)core::kafka::deleteTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                  {topic});
}
