#include "support/kafka_identity.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "core/kafka/security.hpp"
#include "support/test_env.hpp"

namespace testing {

namespace {
std::string passwordFile(const std::string& user) {
  return requiredEnv("KAFKA_SECRETS_DIR") + "/kafka-" + user + ".password";
}
}  // namespace

core::kafka::Properties kafkaAdminProperties() {
  auto properties = core::kafka::securityFromEnvironment();
  if (!properties) throw std::runtime_error("test Kafka identity: " + properties.error().message);
  return *properties;
}

core::kafka::Properties kafkaUserProperties(const std::string& user) {
  core::kafka::Security security;
  security.protocol = requiredEnv("KAFKA_SECURITY_PROTOCOL");
  security.mechanism = requiredEnv("KAFKA_SASL_MECHANISM");
  security.user = user;
  auto password = core::kafka::readPasswordFile(passwordFile(user));
  if (!password) throw std::runtime_error(password.error().message);
  security.password = *password;
  auto properties = core::kafka::securityProperties(security);
  if (!properties) throw std::runtime_error(properties.error().message);
  return *properties;
}

std::vector<std::string> kafkaIdentityFlags(const std::string& user) {
  return {"--kafka-security-protocol",
          requiredEnv("KAFKA_SECURITY_PROTOCOL"),
          "--kafka-sasl-mechanism",
          requiredEnv("KAFKA_SASL_MECHANISM"),
          "--kafka-user",
          user,
          "--kafka-password-file",
          passwordFile(user)};
}

std::string kafkaIdentityArgs(const std::string& user) {
  std::string args;
  for (const auto& word : kafkaIdentityFlags(user)) args += " '" + word + "'";
  return args;
}

std::vector<std::string> withKafkaIdentity(std::vector<std::string> argv, const std::string& user) {
  const auto flags = kafkaIdentityFlags(user);
  argv.insert(argv.end(), flags.begin(), flags.end());
  return argv;
}

void grantPipelineAcls(const core::kafka::PipelineNames& names) {
  const auto granted = core::kafka::createAcls(kafkaBrokers(), kafkaAdminProperties(),
                                               core::kafka::pipelineAcls(names));
  REQUIRE_MESSAGE(granted.ok(), (granted.ok() ? std::string() : granted.error().message));
}

}  // namespace testing
