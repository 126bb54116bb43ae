#include "core/config/log_flags.hpp"

#include "core/config/flag_range.hpp"

namespace core::config {

void addLogLevelFlag(CommandLine& cli) {
  cli.add("log-level", po::value<std::string>()->default_value("info"),
          "trace, debug, info, warn, error, critical or off", "LOG_LEVEL");
}

std::optional<int> readLogLevel(const CommandLine& cli, std::string& level) {
  level = cli.get<std::string>("log-level");
  if (!logging::isValidLevel(level)) {
    return cli.usageError("--log-level: unknown level '" + level + "'");
  }
  return std::nullopt;
}

void addLogFileFlags(CommandLine& cli) {
  const logging::LogFile defaults;
  cli.add("log-file", po::value<std::string>()->default_value(""),
          "write the log to this file instead of stderr, rotated by size", "LOG_FILE");
  cli.add("log-max-bytes", po::value<long>()->default_value(static_cast<long>(defaults.max_bytes)),
          "size at which --log-file rotates (1 MB to 1 GB)", "LOG_MAX_BYTES");
  cli.add("log-files", po::value<long>()->default_value(static_cast<long>(defaults.files)),
          "rotated files kept beside --log-file (1 to 100)", "LOG_FILES");
}

std::optional<int> readLogFile(const CommandLine& cli, logging::LogFile& file) {
  file.path = cli.get<std::string>("log-file");
  if (auto e =
          readRange(cli, "log-max-bytes", 1024LL * 1024, 1024LL * 1024 * 1024, file.max_bytes)) {
    return e;
  }
  return readRange(cli, "log-files", 1, 100, file.files);
}

}  // namespace core::config
