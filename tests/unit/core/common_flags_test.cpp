#include "core/config/common_flags.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>

#include "core/config/required_flag.hpp"
#include "core/exit_codes.hpp"
#include "support/captured_stderr.hpp"

using core::config::CommandLine;

namespace {

const core::config::DatabaseUrlFlag kReplica{"replica-database-url", "TEST_FLAGS_REPLICA_URL",
                                             "PostgreSQL URL of the replica database"};

// KAFKA_BROKERS is unset while it lives (a sourced test env must not fill it).
class NoBrokersVariable {
 public:
  NoBrokersVariable() {
    if (const char* value = std::getenv("KAFKA_BROKERS")) saved_ = value;
    unsetenv("KAFKA_BROKERS");
  }
  ~NoBrokersVariable() {
    if (saved_) setenv("KAFKA_BROKERS", saved_->c_str(), 1);
  }
  NoBrokersVariable(const NoBrokersVariable&) = delete;
  NoBrokersVariable& operator=(const NoBrokersVariable&) = delete;

 private:
  std::optional<std::string> saved_;
};

CommandLine parsed(const std::vector<std::string>& args) {
  CommandLine cli("prog", "prog [flags]", "Test program.");
  core::config::addDatabaseUrlFlag(cli, kReplica);
  core::config::addBrokersFlag(cli);
  core::config::addKafkaPropertyFlag(cli, "extra librdkafka consumer property (repeatable)");
  REQUIRE_FALSE(cli.parse(args).has_value());
  return cli;
}

}  // namespace

TEST_CASE("a missing or empty required flag names the flag and its variable") {
  const NoBrokersVariable no_env;
  for (const auto& args : std::vector<std::vector<std::string>>{{}, {"--brokers", ""}}) {
    const auto cli = parsed(args);
    auto value = core::config::requireFlag(cli, "brokers", "KAFKA_BROKERS");
    REQUIRE_FALSE(value);
    CHECK(value.error().kind == core::ErrorKind::kInvalidArgument);
    CHECK(value.error().message == "--brokers is required (or set KAFKA_BROKERS)");
  }
}

TEST_CASE("readBrokers: the value, or one usage line and exit 2") {
  const NoBrokersVariable no_env;
  std::string brokers;
  CHECK_FALSE(core::config::readBrokers(parsed({"--brokers", "h:9092"}), brokers));
  CHECK(brokers == "h:9092");
  const auto cli = parsed({});
  const testing::CapturedStderr err;
  auto exit = core::config::readBrokers(cli, brokers);
  REQUIRE(exit);
  CHECK(*exit == core::kExitUsage);
  CHECK(err.text() == "prog: error: --brokers is required (or set KAFKA_BROKERS) (see --help)\n");
}

TEST_CASE("a database URL flag is named by its executable and falls back to its variable") {
  std::string url;
  {
    const auto cli = parsed({});
    const testing::CapturedStderr err;
    REQUIRE(core::config::readDatabaseUrl(cli, kReplica, url));
    CHECK(err.text() ==
          "prog: error: --replica-database-url is required (or set "
          "TEST_FLAGS_REPLICA_URL) (see --help)\n");
  }
  setenv("TEST_FLAGS_REPLICA_URL", "postgresql://env/replica", 1);
  CHECK_FALSE(core::config::readDatabaseUrl(parsed({}), kReplica, url));
  CHECK(url == "postgresql://env/replica");
  CHECK_FALSE(core::config::readDatabaseUrl(
      parsed({"--replica-database-url", "postgresql://flag/replica"}), kReplica, url));
  CHECK(url == "postgresql://flag/replica");
  unsetenv("TEST_FLAGS_REPLICA_URL");
}

TEST_CASE("-X key=value properties are kept in order, and a value may contain =") {
  core::kafka::Properties properties;
  CHECK_FALSE(core::config::readKafkaProperties(
      parsed({"-X", "fetch.wait.max.ms=5", "--kafka-property", "sasl.jaas=a=b", "-Xacks=all"}),
      properties));
  const core::kafka::Properties expected = {
      {"fetch.wait.max.ms", "5"}, {"sasl.jaas", "a=b"}, {"acks", "all"}};
  CHECK(properties == expected);
}

TEST_CASE("no -X leaves the properties alone, and a malformed one is a usage error") {
  core::kafka::Properties properties = {{"client.id", "x"}};
  CHECK_FALSE(core::config::readKafkaProperties(parsed({}), properties));
  CHECK(properties.size() == 1);
  const auto cli = parsed({"-X", "novalue"});
  const testing::CapturedStderr err;
  auto exit = core::config::readKafkaProperties(cli, properties);
  REQUIRE(exit);
  CHECK(*exit == core::kExitUsage);
  CHECK(err.text() ==
        "prog: error: -X: librdkafka property 'novalue' is not of the form key=value (see "
        "--help)\n");
}

TEST_CASE("the help text shows each flag's variable and the caller's -X description") {
  const auto help = parsed({}).helpText();
  CHECK(help.find("PostgreSQL URL of the replica database [env TEST_FLAGS_REPLICA_URL]") !=
        std::string::npos);
  CHECK(help.find("Kafka bootstrap servers [env KAFKA_BROKERS]") != std::string::npos);
  CHECK(help.find("-X [ --kafka-property ]") != std::string::npos);
  CHECK(help.find("extra librdkafka consumer property (repeatable)") != std::string::npos);
}
