#pragma once
// outbox-relay's command words. Without a word it is the publishing daemon;
// the operator commands come first on the line:
//   outbox-relay [flags]                     the daemon
//   outbox-relay parked list|retry|skip ...  inspect and resolve parked rows
//   outbox-relay replay ...                  republish published rows
//   outbox-relay retention ...               delete old published rows now

#include <string>
#include <variant>
#include <vector>

namespace outbox {

enum class Command { kDaemon, kParkedList, kParkedRetry, kParkedSkip, kReplay, kRetention };

struct Invocation {
  Command command = Command::kDaemon;
  std::string name;               // "outbox-relay parked skip", for usage lines and errors
  std::vector<std::string> args;  // the flags after the command words
};

// The invocation, or the exit code for an unknown command (error printed).
std::variant<Invocation, int> parseInvocation(const std::vector<std::string>& args);

// One paragraph naming every command, for the daemon's --help.
extern const char* const kCommandsHelp;

}  // namespace outbox
