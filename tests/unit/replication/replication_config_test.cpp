#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include "core/exit_codes.hpp"
#include "workers/replication/replication_config.hpp"

namespace {

// The flags' environment fallbacks are removed for the test's duration (a
// sourced var/test/env must not change what the flags alone give).
class CleanEnvironment {
 public:
  CleanEnvironment() {
    for (const char* name : {"REPLICA_DATABASE_URL",
                             "DATABASE_URL",
                             "KAFKA_BROKERS",
                             "LOG_LEVEL",
                             "REPLICATION_TOPIC",
                             "REPLICATION_GROUP_ID",
                             "REPLICATION_DLQ_TOPIC",
                             "REPLICATION_BATCH_SIZE",
                             "REPLICATION_POLL_TIMEOUT_MS",
                             "REPLICATION_DLQ_TIMEOUT_MS",
                             "REPLICATION_COMMIT_INTERVAL_MS",
                             "REPLICATION_MAX_BACKOFF_MS",
                             "REPLICATION_METRICS_ADDRESS",
                             "VERIFY_MAX_DIFFERENCES",
                             "VERIFY_CHUNK_SIZE",
                             "AFTER_RESTORE_WAIT_SECONDS",
                             "KAFKA_SECURITY_PROTOCOL",
                             "KAFKA_SASL_MECHANISM",
                             "KAFKA_USER",
                             "KAFKA_PASSWORD_FILE",
                             "KAFKA_PASSWORD",
                             "KAFKA_CA_FILE"}) {
      if (const char* value = std::getenv(name)) saved_[name] = value;
      unsetenv(name);
    }
  }
  ~CleanEnvironment() {
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
  }
  CleanEnvironment(const CleanEnvironment&) = delete;
  CleanEnvironment& operator=(const CleanEnvironment&) = delete;

 private:
  std::map<std::string, std::string> saved_;
};

const std::vector<std::string> kRequired = {
    "--replica-database-url", "postgresql://u@h:1/customers_replica", "--brokers", "h:9092"};

std::vector<std::string> with(std::vector<std::string> extra) {
  auto args = kRequired;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

int exitOf(const std::vector<std::string>& args) {
  auto parsed = replication::parseReplicationConfig(args);
  REQUIRE(std::holds_alternative<int>(parsed));
  return std::get<int>(parsed);
}

}  // namespace

TEST_CASE("defaults: the CRUD topic, its DLQ, port 9465, batches of 1000") {
  const CleanEnvironment clean;
  auto parsed = replication::parseReplicationConfig(kRequired);
  REQUIRE(std::holds_alternative<replication::ReplicationConfig>(parsed));
  const auto& config = std::get<replication::ReplicationConfig>(parsed);
  CHECK(config.replicator.topic == "MICROSERVICE-CUSTOMER-UPDATES");
  CHECK(config.replicator.dead_letter_topic == "MICROSERVICE-CUSTOMER-UPDATES-DLQ");
  CHECK(config.replicator.group_id == "replication-worker");
  CHECK(config.replicator.batch_size == 1000);
  CHECK(config.replicator.database_url == "postgresql://u@h:1/customers_replica");
  CHECK(config.replicator.brokers == "h:9092");
  CHECK(config.metrics_address == "127.0.0.1:9465");
  CHECK(config.log_level == "info");
}

TEST_CASE("flags set topics, group, batch size, timeouts and -X properties") {
  const CleanEnvironment clean;
  auto parsed = replication::parseReplicationConfig(
      with({"--topic", "T1", "--dlq-topic", "T1-DLQ", "--group-id", "g", "--batch-size", "50",
            "--poll-timeout-ms", "20", "-X", "fetch.max.bytes=1048576", "-X", "client.rack=r1",
            "--metrics-address", "127.0.0.1:0", "--log-level", "debug"}));
  REQUIRE(std::holds_alternative<replication::ReplicationConfig>(parsed));
  const auto& config = std::get<replication::ReplicationConfig>(parsed);
  CHECK(config.replicator.topic == "T1");
  CHECK(config.replicator.dead_letter_topic == "T1-DLQ");
  CHECK(config.replicator.group_id == "g");
  CHECK(config.replicator.batch_size == 50);
  CHECK(config.replicator.poll_timeout == std::chrono::milliseconds(20));
  REQUIRE(config.replicator.kafka_properties.size() == 2);
  CHECK(config.replicator.kafka_properties[0].first == "fetch.max.bytes");
  CHECK(config.replicator.kafka_properties[1].second == "r1");
  CHECK(config.metrics_address == "127.0.0.1:0");
  CHECK(config.log_level == "debug");
}

TEST_CASE("missing required flags and bad values are usage errors (exit 2)") {
  const CleanEnvironment clean;
  CHECK(exitOf({"--brokers", "h:9092"}) == core::kExitUsage);
  CHECK(exitOf({"--replica-database-url", "postgresql://h/db"}) == core::kExitUsage);
  CHECK(exitOf(with({"--batch-size", "0"})) == core::kExitUsage);
  CHECK(exitOf(with({"--batch-size", "many"})) == core::kExitUsage);
  CHECK(exitOf(with({"--poll-timeout-ms", "0"})) == core::kExitUsage);
  CHECK(exitOf(with({"--topic", "bad topic"})) == core::kExitUsage);
  CHECK(exitOf(with({"--dlq-topic", "MICROSERVICE-CUSTOMER-UPDATES"})) == core::kExitUsage);
  CHECK(exitOf(with({"--group-id", ""})) == core::kExitUsage);
  CHECK(exitOf(with({"-X", "no-equals-sign"})) == core::kExitUsage);
  CHECK(exitOf(with({"--log-level", "loud"})) == core::kExitUsage);
  CHECK(exitOf(with({"--no-such-flag", "1"})) == core::kExitUsage);
  CHECK(exitOf(with({"--metrics-address", "nonsense"})) == core::kExitUsage);
  CHECK(exitOf(with({"--metrics-address", "127.0.0.1:70000"})) == core::kExitUsage);
}

TEST_CASE("--help and --version stop with exit 0") {
  const CleanEnvironment clean;
  CHECK(exitOf({"--help"}) == core::kExitOk);
  CHECK(exitOf({"--version"}) == core::kExitOk);
}

TEST_CASE("verify needs both database URLs and checks its limits") {
  const CleanEnvironment clean;
  auto parsed = replication::parseVerifyConfig(
      {"--source-database-url", "postgresql://h/customers", "--replica-database-url",
       "postgresql://h/customers_replica", "--max-differences", "5", "--chunk-size", "100"});
  REQUIRE(std::holds_alternative<replication::VerifyConfig>(parsed));
  const auto& config = std::get<replication::VerifyConfig>(parsed);
  CHECK(config.verify.source_url == "postgresql://h/customers");
  CHECK(config.verify.replica_url == "postgresql://h/customers_replica");
  CHECK(config.verify.max_listed == 5);
  CHECK(config.verify.chunk_size == 100);

  auto missing = replication::parseVerifyConfig({"--source-database-url", "postgresql://h/c"});
  REQUIRE(std::holds_alternative<int>(missing));
  CHECK(std::get<int>(missing) == core::kExitUsage);
  auto bad = replication::parseVerifyConfig({"--source-database-url", "postgresql://h/c",
                                             "--replica-database-url", "postgresql://h/r",
                                             "--chunk-size", "0"});
  REQUIRE(std::holds_alternative<int>(bad));
  CHECK(std::get<int>(bad) == core::kExitUsage);
}

TEST_CASE("after-restore needs both database URLs and the brokers, and checks its limits") {
  const CleanEnvironment clean;
  auto parsed = replication::parseAfterRestoreConfig(
      {"--source-database-url", "postgresql://owner@h/customers", "--replica-database-url",
       "postgresql://h/customers_replica", "--brokers", "h:9092", "--topic", "crud", "--group-id",
       "g", "--wait-seconds", "30"});
  REQUIRE(std::holds_alternative<replication::AfterRestoreConfig>(parsed));
  const auto& options = std::get<replication::AfterRestoreConfig>(parsed).options;
  CHECK(options.verify.source_url == "postgresql://owner@h/customers");
  CHECK(options.verify.replica_url == "postgresql://h/customers_replica");
  CHECK(options.brokers == "h:9092");
  CHECK(options.topic == "crud");
  CHECK(options.group_id == "g");
  CHECK(options.wait == std::chrono::seconds(30));

  const std::vector<std::string> urls = {"--source-database-url", "postgresql://h/c",
                                         "--replica-database-url", "postgresql://h/r"};
  auto args = [&](std::vector<std::string> extra) {
    auto all = urls;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  const auto exitOfAfterRestore = [](const std::vector<std::string>& a) {
    auto result = replication::parseAfterRestoreConfig(a);
    REQUIRE(std::holds_alternative<int>(result));
    return std::get<int>(result);
  };
  CHECK(exitOfAfterRestore(urls) == core::kExitUsage);  // no --brokers
  CHECK(exitOfAfterRestore(args({"--brokers", "h:9092", "--wait-seconds", "-1"})) ==
        core::kExitUsage);
  CHECK(exitOfAfterRestore(args({"--brokers", "h:9092", "--topic", "no spaces"})) ==
        core::kExitUsage);
  CHECK(exitOfAfterRestore(args({"--brokers", "h:9092", "--group-id", ""})) == core::kExitUsage);
}

TEST_CASE("listen addresses are host:port") {
  CHECK(replication::isValidListenAddress("127.0.0.1:9465"));
  CHECK(replication::isValidListenAddress("0.0.0.0:0"));
  CHECK_FALSE(replication::isValidListenAddress("9465"));
  CHECK_FALSE(replication::isValidListenAddress(":9465"));
  CHECK_FALSE(replication::isValidListenAddress("host:port"));
  CHECK_FALSE(replication::isValidListenAddress("host:123456"));
}

TEST_CASE("Kafka topic names follow Kafka's rule") {
  const CleanEnvironment clean;
  CHECK(replication::isValidTopicName("MICROSERVICE-CUSTOMER-UPDATES"));
  CHECK(replication::isValidTopicName("a.b_c-1"));
  CHECK_FALSE(replication::isValidTopicName(""));
  CHECK_FALSE(replication::isValidTopicName(".."));
  CHECK_FALSE(replication::isValidTopicName("with space"));
  CHECK_FALSE(replication::isValidTopicName(std::string(250, 'a')));
}
