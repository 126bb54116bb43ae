#pragma once
// outbox-relay's flags, environment fallbacks and validation.

#include <string>
#include <variant>

#include "outbox/relay.hpp"

namespace outbox {

struct RelayConfig {
  RelayOptions relay;
  bool once = false;
  std::chrono::milliseconds lock_wait{30000};
  std::string metrics_address;  // empty: no status server
  std::string log_level;
};

// The config, or the exit code to stop with (help printed, or a one-line error).
std::variant<RelayConfig, int> parseRelayConfig(int argc, char** argv);

}  // namespace outbox
