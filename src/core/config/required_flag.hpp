#pragma once
// A flag without a default that the program cannot run without.

#include <optional>
#include <string>

#include "core/config/command_line.hpp"
#include "core/result.hpp"

namespace core::config {

// The flag's value; an error naming the flag and its variable
// ("--brokers is required (or set KAFKA_BROKERS)") when it is absent or empty.
Result<std::string> requireFlag(const CommandLine& cli, const std::string& flag,
                                const std::string& env);

// The same for a config parser: the error printed, its exit code returned.
std::optional<int> readRequired(const CommandLine& cli, const std::string& flag,
                                const std::string& env, std::string& out);

}  // namespace core::config
