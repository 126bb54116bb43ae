#pragma once
// customer-api's configuration: flags with environment fallbacks, read once
// at start-up and validated.

#include <optional>
#include <string>
#include <variant>

#include "api/access_log.hpp"
#include "api/api_service.hpp"
#include "api/change_events.hpp"
#include "api/http_server.hpp"
#include "api/pipeline_views.hpp"
#include "core/logging/logging.hpp"

namespace api {

struct ApiConfig {
  std::string database_url;
  std::size_t pool_size = 4;
  ServerOptions server;
  ServiceOptions service;
  EventTopics topics;
  PipelineViewOptions views;
  std::string log_level;
  core::logging::LogFile log_file;
  AccessLogMode access_log = AccessLogMode::kSampled;
  std::size_t access_log_sample = 100;     // sampled: one answer in this many, and every 5xx
  core::logging::LogFile access_log_file;  // empty path: in the process's log
};

// The config, or the exit code to stop with (help printed, or a one-line error).
std::variant<ApiConfig, int> parseApiConfig(int argc, char** argv);

// "127.0.0.1:8080" -> host, port; nothing when malformed.
std::optional<std::pair<std::string, std::uint16_t>> parseListenAddress(const std::string& text);

}  // namespace api
