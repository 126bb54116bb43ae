#pragma once
// Flags of `outbox-relay parked list|retry|skip`.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "outbox/command.hpp"

namespace outbox {

struct ParkedConfig {
  Command action = Command::kParkedList;
  std::string database_url;
  std::string log_level;
  // list
  bool json = false;
  bool include_skipped = false;
  std::int64_t limit = 1000;
  // retry and skip
  std::vector<std::int64_t> ids;  // sorted, unique
  bool all = false;               // retry only
  // skip
  std::string reason;
  std::string by;
};

std::variant<ParkedConfig, int> parseParkedConfig(const Invocation& invocation);

}  // namespace outbox
