#pragma once
// Flags of the relay's operator commands that no other executable has (the
// common ones are in core/config).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/command_line.hpp"

namespace outbox {

// "5", "5,7" and repeated flags: every id positive; the error names `flag`.
std::optional<int> readIds(const core::config::CommandLine& cli, const std::string& flag,
                           std::vector<std::int64_t>& ids);

}  // namespace outbox
