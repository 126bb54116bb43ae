#pragma once
// How a client proves who it is to the brokers: the security protocol, the
// SASL mechanism and the user's credentials, as librdkafka properties.

#include <string>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"

namespace core::kafka {

struct Security {
  std::string protocol = "plaintext";  // plaintext, sasl_plaintext or sasl_ssl
  std::string mechanism = "PLAIN";     // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
  std::string user;
  std::string password;
  std::string ca_file;  // sasl_ssl only; empty: the system's CA store
};

// The properties that make a client log in as `security` says; none for
// plaintext. The error names what is missing or wrong.
Result<Properties> securityProperties(const Security& security);

// The password stored in `path`, without a trailing line break.
Result<std::string> readPasswordFile(const std::string& path);

// For tools without flags (bench/, test helpers): the identity from the
// variables the flags fall back to: KAFKA_SECURITY_PROTOCOL,
// KAFKA_SASL_MECHANISM, KAFKA_USER, KAFKA_PASSWORD_FILE or KAFKA_PASSWORD.
Result<Properties> securityFromEnvironment();

}  // namespace core::kafka
