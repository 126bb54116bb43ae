#pragma once
// One stderr logger per process, UTC timestamps with microseconds.
// Messages carry their context as key=value pairs (event_id=… customer_id=…).

#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace core::logging {

// Accepts trace, debug, info, warn, error, critical, off.
Status init(const std::string& program, const std::string& level);

bool isValidLevel(const std::string& level);

// Untrusted text made safe for one log line: control bytes, backslashes and
// bytes that are not UTF-8 become \xNN (\\ for a backslash), and text past
// `max_bytes` is cut with "…". Request paths and other input go through this.
std::string printable(const std::string& text, std::size_t max_bytes = 256);

}  // namespace core::logging
