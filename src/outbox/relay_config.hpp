#pragma once
// outbox-relay's flags, environment fallbacks and validation.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/logging/logging.hpp"
#include "outbox/relay.hpp"
#include "outbox/retention.hpp"

namespace outbox {

struct RelayConfig {
  RelayOptions relay;
  bool once = false;
  std::chrono::milliseconds lock_wait{30000};
  std::string metrics_address;  // empty: no status server
  std::string log_level;
  core::logging::LogFile log_file;
  // LISTEN/NOTIFY wake-up (off by default; polling always runs).
  bool listen_notify = true;
  std::string notify_channel = "outbox_inserted";
  // Periodic retention on the leader; off when empty.
  std::optional<RetentionOptions> retention;
  std::chrono::milliseconds retention_interval{600000};
};

// --once exit code when everything publishable went out but parked rows remain.
inline constexpr int kExitParkedRows = 4;

// The config, or the exit code to stop with (help printed, or a one-line error).
// `args` are the flags without the program name.
std::variant<RelayConfig, int> parseRelayConfig(const std::vector<std::string>& args);

}  // namespace outbox
