#pragma once
// Unsets environment variables while it lives and restores them after: a
// sourced var/test/env (KAFKA_USER, KAFKA_BROKERS...) must not fill a flag
// that a unit test leaves out.

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace testing {

class WithoutVariables {
 public:
  explicit WithoutVariables(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      const char* value = std::getenv(name.c_str());
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name.c_str());
    }
  }
  ~WithoutVariables() {
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1);
    }
  }
  WithoutVariables(const WithoutVariables&) = delete;
  WithoutVariables& operator=(const WithoutVariables&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// The variables behind the Kafka identity flags.
inline WithoutVariables withoutKafkaIdentity() {
  return WithoutVariables({"KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_USER",
                           "KAFKA_PASSWORD_FILE", "KAFKA_PASSWORD", "KAFKA_CA_FILE"});
}

}  // namespace testing
