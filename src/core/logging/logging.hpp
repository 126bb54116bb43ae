#pragma once
// One stderr logger per process, UTC timestamps with microseconds.
// Messages carry their context as key=value pairs (event_id=… customer_id=…).

#include <string>

#include "core/result.hpp"

namespace core::logging {

// Accepts trace, debug, info, warn, error, critical, off.
Status init(const std::string& program, const std::string& level);

bool isValidLevel(const std::string& level);

}  // namespace core::logging
