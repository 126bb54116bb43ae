#pragma once
// One line per answered request, as the operator chose: none, one in N (and
// every 5xx), or all; in the process's log or a file of its own. At info
// level for every request, a busy API wrote 155 MB in 20 minutes.

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace api {

enum class AccessLogMode { kOff, kSampled, kFull };

// "off", "sampled" or "full".
std::optional<AccessLogMode> parseAccessLogMode(const std::string& text);

class AccessLog {
 public:
  // `logger` null: the process's default logger.
  AccessLog(AccessLogMode mode, std::size_t sample_every, std::shared_ptr<spdlog::logger> logger);

  // Whether the next answer, with this status, gets a line (counts it).
  bool wanted(int status);
  // Writes the line if wanted(status); the path is escaped for the log.
  void record(const std::string& request_id, const std::string& method, const std::string& path,
              int status, std::chrono::microseconds duration, const std::string& actor);

 private:
  AccessLogMode mode_;
  std::size_t sample_every_;
  std::shared_ptr<spdlog::logger> logger_;
  std::atomic<std::size_t> answers_{0};
};

}  // namespace api
