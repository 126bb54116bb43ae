#include "core/config/required_flag.hpp"

namespace core::config {

Result<std::string> requireFlag(const CommandLine& cli, const std::string& flag,
                                const std::string& env) {
  if (!cli.has(flag) || cli.get<std::string>(flag).empty()) {
    return Error{ErrorKind::kInvalidArgument, "--" + flag + " is required (or set " + env + ")"};
  }
  return cli.get<std::string>(flag);
}

std::optional<int> readRequired(const CommandLine& cli, const std::string& flag,
                                const std::string& env, std::string& out) {
  auto value = requireFlag(cli, flag, env);
  if (!value) return cli.usageError(value.error().message);
  out = *value;
  return std::nullopt;
}

}  // namespace core::config
