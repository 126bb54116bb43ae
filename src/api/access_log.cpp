#include "api/access_log.hpp"

#include <spdlog/spdlog.h>

#include "core/logging/logging.hpp"

namespace api {

std::optional<AccessLogMode> parseAccessLogMode(const std::string& text) {
  if (text == "off") return AccessLogMode::kOff;
  if (text == "sampled") return AccessLogMode::kSampled;
  if (text == "full") return AccessLogMode::kFull;
  return std::nullopt;
}

AccessLog::AccessLog(AccessLogMode mode, std::size_t sample_every,
                     std::shared_ptr<spdlog::logger> logger)
    : mode_(mode),
      sample_every_(sample_every == 0 ? 1 : sample_every),
      logger_(std::move(logger)) {}

bool AccessLog::wanted(int status) {
  switch (mode_) {
    case AccessLogMode::kOff: return false;
    case AccessLogMode::kFull: return true;
    case AccessLogMode::kSampled: break;
  }
  const auto n = answers_.fetch_add(1, std::memory_order_relaxed);
  return status >= 500 || n % sample_every_ == 0;
}

void AccessLog::record(const std::string& request_id, const std::string& method,
                       const std::string& path, int status, std::chrono::microseconds duration,
                       const std::string& actor) {
  if (!wanted(status)) return;
  auto& logger = logger_ ? *logger_ : *spdlog::default_logger();
  logger.info("request_id={} method={} path={} status={} duration_us={} actor={}", request_id,
              method, core::logging::printable(path), status, duration.count(), actor);
}

}  // namespace api
