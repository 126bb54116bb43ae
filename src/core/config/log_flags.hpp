#pragma once
// --log-level and the rotating log file flags.

#include <optional>
#include <string>

#include "core/config/command_line.hpp"
#include "core/logging/logging.hpp"

namespace core::config {

// --log-level [LOG_LEVEL], default info.
void addLogLevelFlag(CommandLine& cli);
// Reads it; a usage error ("--log-level: unknown level 'x'") when unknown.
std::optional<int> readLogLevel(const CommandLine& cli, std::string& level);

// --log-file, --log-max-bytes and --log-files (LOG_FILE, LOG_MAX_BYTES,
// LOG_FILES): a daemon's log in a file that rotates by size.
void addLogFileFlags(CommandLine& cli);
// Reads them; an exit code (a usage error naming the flag) when one is bad.
std::optional<int> readLogFile(const CommandLine& cli, logging::LogFile& file);

}  // namespace core::config
