#pragma once
// `outbox-relay retention --older-than 7d`: one retention run, now.

#include <variant>

#include "outbox/command.hpp"
#include "outbox/retention.hpp"

namespace outbox {

struct RetentionConfig {
  RetentionOptions retention;
  bool dry_run = false;
  std::string log_level;
};

std::variant<RetentionConfig, int> parseRetentionConfig(const Invocation& invocation);

// The exit code (0 done, 2 bad flag, 3 database unreachable, 1 other failure).
int runRetentionCommand(const Invocation& invocation);

}  // namespace outbox
