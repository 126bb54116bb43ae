#include "core/logging/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>

namespace core::logging {

namespace {
constexpr std::array<const char*, 7> kLevels = {"trace", "debug",    "info", "warn",
                                                "error", "critical", "off"};
}

bool isValidLevel(const std::string& level) {
  for (const char* known : kLevels) {
    if (level == known) return true;
  }
  return false;
}

Status init(const std::string& program, const std::string& level) {
  if (!isValidLevel(level)) {
    return Error{
        ErrorKind::kInvalidArgument,
        "unknown log level '" + level + "' (trace, debug, info, warn, error, critical, off)"};
  }
  auto logger = spdlog::stderr_logger_mt(program);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return {};
}

}  // namespace core::logging
