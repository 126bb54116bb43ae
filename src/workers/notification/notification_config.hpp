#pragma once
// notification-worker's flags (each with an environment fallback), read once
// and validated: the daemon's and the redrive command's. A bad value is a
// one-line error naming the flag (exit 2).

#include <string>
#include <variant>
#include <vector>

#include "core/logging/logging.hpp"
#include "workers/notification/notifier.hpp"
#include "workers/notification/redrive.hpp"
#include "workers/notification/smtp_client.hpp"

namespace notification {

struct WorkerConfig {
  NotifierOptions notifier;
  SmtpOptions smtp;
  std::string metrics_address;  // empty: no status server
  std::string log_level;
  core::logging::LogFile log_file;
};

struct RedriveConfig {
  RedriveOptions redrive;
  std::string log_level;
};

// The config, or the exit code to stop with (help printed, or a one-line error).
std::variant<WorkerConfig, int> parseWorkerConfig(const std::vector<std::string>& args);
// `args` are the words after "redrive".
std::variant<RedriveConfig, int> parseRedriveConfig(const std::vector<std::string>& args);

TlsMode parseTlsMode(const std::string& text, bool& ok);

}  // namespace notification
