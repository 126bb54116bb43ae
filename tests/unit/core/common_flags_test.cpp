#include "core/config/common_flags.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>

#include "core/config/required_flag.hpp"
#include "core/exit_codes.hpp"
#include "support/captured_stderr.hpp"
#include "support/without_variables.hpp"

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
  const auto no_identity = testing::withoutKafkaIdentity();
  core::kafka::Properties properties;
  CHECK_FALSE(core::config::readKafkaProperties(
      parsed({"-X", "fetch.wait.max.ms=5", "--kafka-property", "sasl.jaas=a=b", "-Xacks=all"}),
      properties));
  const core::kafka::Properties expected = {
      {"fetch.wait.max.ms", "5"}, {"sasl.jaas", "a=b"}, {"acks", "all"}};
  CHECK(properties == expected);
}

TEST_CASE("no -X leaves the properties alone, and a malformed one is a usage error") {
  const auto no_identity = testing::withoutKafkaIdentity();
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
  // Boost aligns and wraps at its own width: compare with every run of
  // blanks and line breaks as one space.
  std::string help;
  for (const char c : parsed({}).helpText()) {
    const bool blank = c == ' ' || c == '\n';
    if (!blank || (!help.empty() && help.back() != ' ')) help += blank ? ' ' : c;
  }
  CHECK(help.find("PostgreSQL URL of the replica database [env TEST_FLAGS_REPLICA_URL]") !=
        std::string::npos);
  CHECK(help.find("--kafka-user arg Kafka user (SASL) this process logs in as [env KAFKA_USER]") !=
        std::string::npos);
  CHECK(help.find("Kafka bootstrap servers [env KAFKA_BROKERS]") != std::string::npos);
  CHECK(help.find("-X [ --kafka-property ]") != std::string::npos);
  CHECK(help.find("extra librdkafka consumer property (repeatable)") != std::string::npos);
}

namespace {

// The usage line readKafkaSecurity prints for `args`, or "" when it accepts them.
std::string securityError(const std::vector<std::string>& args) {
  const auto cli = parsed(args);
  core::kafka::Properties properties;
  const testing::CapturedStderr err;
  const auto exit = core::config::readKafkaSecurity(cli, properties);
  if (!exit) return "";
  CHECK(*exit == core::kExitUsage);
  return err.text();
}

std::string passwordFile(const std::string& content) {
  const std::string path = "/tmp/common_flags_test_password_" + std::to_string(::getpid());
  FILE* file = std::fopen(path.c_str(), "w");
  REQUIRE(file != nullptr);
  std::fputs(content.c_str(), file);
  std::fclose(file);
  return path;
}

}  // namespace

TEST_CASE("the Kafka identity flags become librdkafka's SASL properties") {
  const auto no_identity = testing::withoutKafkaIdentity();
  const auto file = passwordFile("s3cret\n");
  core::kafka::Properties properties;
  CHECK_FALSE(core::config::readKafkaSecurity(
      parsed({"--kafka-security-protocol", "sasl_plaintext", "--kafka-user", "outbox-relay",
              "--kafka-password-file", file}),
      properties));
  const core::kafka::Properties expected = {{"security.protocol", "sasl_plaintext"},
                                            {"sasl.mechanisms", "PLAIN"},
                                            {"sasl.username", "outbox-relay"},
                                            {"sasl.password", "s3cret"}};
  CHECK(properties == expected);
  std::remove(file.c_str());
}

TEST_CASE("plaintext, the default, adds no property") {
  const auto no_identity = testing::withoutKafkaIdentity();
  core::kafka::Properties properties;
  CHECK_FALSE(core::config::readKafkaSecurity(parsed({}), properties));
  CHECK(properties.empty());
}

TEST_CASE("KAFKA_PASSWORD stands in for the password file") {
  const auto no_identity = testing::withoutKafkaIdentity();
  setenv("KAFKA_PASSWORD", "from-env", 1);
  core::kafka::Properties properties;
  CHECK_FALSE(core::config::readKafkaSecurity(
      parsed({"--kafka-security-protocol", "sasl_ssl", "--kafka-user", "u", "--kafka-ca-file",
              "/etc/ca.pem"}),
      properties));
  REQUIRE(properties.size() == 5);
  CHECK(properties[3].second == "from-env");
  CHECK(properties[4] ==
        std::make_pair(std::string("ssl.ca.location"), std::string("/etc/ca.pem")));
  unsetenv("KAFKA_PASSWORD");
}

TEST_CASE("bad Kafka identity flags are one usage line naming the flag") {
  const auto no_identity = testing::withoutKafkaIdentity();
  CHECK(securityError({"--kafka-security-protocol", "ssl"})
            .find("--kafka-security-protocol must be plaintext, sasl_plaintext or sasl_ssl, not "
                  "'ssl'") != std::string::npos);
  CHECK(securityError({"--kafka-security-protocol", "sasl_plaintext"})
            .find("--kafka-user is required") != std::string::npos);
  CHECK(securityError({"--kafka-security-protocol", "sasl_plaintext", "--kafka-user", "u"})
            .find("--kafka-password-file (or KAFKA_PASSWORD) is required") != std::string::npos);
  CHECK(securityError({"--kafka-security-protocol", "sasl_plaintext", "--kafka-user", "u",
                       "--kafka-password-file", "/nonexistent/password"})
            .find("--kafka-password-file: cannot read password file /nonexistent/password") !=
        std::string::npos);
  CHECK(securityError({"--kafka-user", "u"}).find("--kafka-user needs --kafka-security-protocol") !=
        std::string::npos);
  CHECK(securityError({"--kafka-security-protocol", "sasl_plaintext", "--kafka-user", "u",
                       "--kafka-sasl-mechanism", "GSSAPI"})
            .find("--kafka-sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512") !=
        std::string::npos);
}
