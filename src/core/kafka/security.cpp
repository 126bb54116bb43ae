#include "core/kafka/security.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace core::kafka {

namespace {
std::string environment(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

bool isSasl(const std::string& protocol) {
  return protocol == "sasl_plaintext" || protocol == "sasl_ssl";
}
}  // namespace

Result<Properties> securityProperties(const Security& security) {
  if (security.protocol != "plaintext" && !isSasl(security.protocol)) {
    return Error{ErrorKind::kInvalidArgument, "security protocol '" + security.protocol +
                                                  "' is not plaintext, sasl_plaintext or sasl_ssl"};
  }
  if (security.protocol == "plaintext") {
    if (!security.user.empty()) {
      return Error{ErrorKind::kInvalidArgument,
                   "a Kafka user needs security protocol sasl_plaintext or sasl_ssl"};
    }
    return Properties{};
  }
  if (security.mechanism != "PLAIN" && security.mechanism != "SCRAM-SHA-256" &&
      security.mechanism != "SCRAM-SHA-512") {
    return Error{ErrorKind::kInvalidArgument, "SASL mechanism '" + security.mechanism +
                                                  "' is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"};
  }
  if (security.user.empty()) {
    return Error{ErrorKind::kInvalidArgument, security.protocol + " needs a Kafka user"};
  }
  if (security.password.empty()) {
    return Error{ErrorKind::kInvalidArgument,
                 security.protocol + " needs the password of Kafka user " + security.user};
  }
  Properties properties = {{"security.protocol", security.protocol},
                           {"sasl.mechanisms", security.mechanism},
                           {"sasl.username", security.user},
                           {"sasl.password", security.password}};
  if (!security.ca_file.empty()) {
    if (security.protocol != "sasl_ssl") {
      return Error{ErrorKind::kInvalidArgument, "a CA file needs security protocol sasl_ssl"};
    }
    properties.emplace_back("ssl.ca.location", security.ca_file);
  }
  return properties;
}

Result<std::string> readPasswordFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorKind::kInvalidArgument, "cannot read password file " + path};
  std::ostringstream text;
  text << in.rdbuf();
  std::string password = text.str();
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  if (password.empty()) {
    return Error{ErrorKind::kInvalidArgument, "password file " + path + " is empty"};
  }
  return password;
}

Result<Properties> securityFromEnvironment() {
  Security security;
  security.protocol = environment("KAFKA_SECURITY_PROTOCOL", "plaintext");
  security.mechanism = environment("KAFKA_SASL_MECHANISM", "PLAIN");
  security.user = environment("KAFKA_USER");
  security.ca_file = environment("KAFKA_CA_FILE");
  if (const auto file = environment("KAFKA_PASSWORD_FILE"); !file.empty()) {
    auto password = readPasswordFile(file);
    if (!password) return password.error();
    security.password = *password;
  } else {
    security.password = environment("KAFKA_PASSWORD");
  }
  return securityProperties(security);
}

}  // namespace core::kafka
