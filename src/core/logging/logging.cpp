#include "core/logging/logging.hpp"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/text/utf8.hpp"

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

std::string printable(const std::string& text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      out += "\xE2\x80\xA6";  // …
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Keep a whole, valid UTF-8 sequence; escape a stray byte.
      const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      const auto sequence = text.substr(i, length);
      if (length > 1 && sequence.size() == length && core::text::isStorableText(sequence)) {
        out += sequence;
        i += length;
        continue;
      }
    }
    if (c < 0x20 || c == 0x7F || c >= 0x80 || c == '\\') {
      if (c == '\\') {
        out += "\\\\";
      } else {
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
        out += escaped;
      }
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

Result<std::shared_ptr<spdlog::logger>> makeLogger(const std::string& name, const LogFile& file) {
  spdlog::sink_ptr sink;
  if (file.path.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file.path, file.max_bytes,
                                                                    file.files);
    } catch (const std::exception& e) {
      return Error{ErrorKind::kInvalidArgument,
                   "cannot write the log file " + file.path + ": " + e.what()};
    }
  }
  auto logger = std::make_shared<spdlog::logger>(name, std::move(sink));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

Status init(const std::string& program, const std::string& level, const LogFile& file) {
  if (!isValidLevel(level)) {
    return Error{
        ErrorKind::kInvalidArgument,
        "unknown log level '" + level + "' (trace, debug, info, warn, error, critical, off)"};
  }
  auto logger = makeLogger(program, file);
  if (!logger) return logger.error();
  (*logger)->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(*logger);
  // A file is flushed every second too: a tail -f sees info lines promptly.
  if (!file.path.empty()) spdlog::flush_every(std::chrono::seconds(1));
  return {};
}

}  // namespace core::logging
