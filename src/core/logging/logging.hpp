#pragma once
// One logger per process, UTC timestamps with microseconds, on stderr or in a
// file that rotates by size. Messages carry their context as key=value pairs
// (event_id=… customer_id=…).

#include <spdlog/logger.h>

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"

namespace core::logging {

// Where a daemon's log goes: stderr when `path` is empty, else `path`,
// rotated when it reaches `max_bytes` (name.log to name.1.log … name.<files>.log),
// so a log that runs for months stays within (files + 1) × max_bytes.
struct LogFile {
  std::string path;
  std::size_t max_bytes = std::size_t{50} * 1024 * 1024;
  std::size_t files = 5;
};

// Accepts trace, debug, info, warn, error, critical, off.
Status init(const std::string& program, const std::string& level, const LogFile& file = {});

// A logger named `name` writing to `file` (stderr when its path is empty),
// not registered as the default: e.g. the API's access log in its own file.
Result<std::shared_ptr<spdlog::logger>> makeLogger(const std::string& name, const LogFile& file);

bool isValidLevel(const std::string& level);

// Untrusted text made safe for one log line: control bytes, backslashes and
// bytes that are not UTF-8 become \xNN (\\ for a backslash), and text past
// `max_bytes` is cut with "…". Request paths and other input go through this.
std::string printable(const std::string& text, std::size_t max_bytes = 256);

}  // namespace core::logging
