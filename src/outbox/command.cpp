#include "outbox/command.hpp"

#include <iostream>

#include "core/exit_codes.hpp"

namespace outbox {

const char* const kCommandsHelp =
    "Commands (each has its own --help):\n"
    "  outbox-relay [flags]                       the publishing daemon (this help)\n"
    "  outbox-relay parked list [flags]           list parked rows (table or --json)\n"
    "  outbox-relay parked retry --id N|--all     un-park rows so the daemon tries them again\n"
    "  outbox-relay parked skip --id N --reason   never publish these rows; unblocks their "
    "customer\n"
    "  outbox-relay replay --from-id/--from-time  republish published rows (original or "
    "--to-topic)\n"
    "  outbox-relay retention --older-than 7d     delete published rows older than an age, now";

namespace {

int unknown(const std::string& what, const std::string& word) {
  std::cerr << "outbox-relay: error: unknown " << what << " '" << word
            << "' (commands: parked list|retry|skip, replay, retention; see --help)\n";
  return core::kExitUsage;
}

}  // namespace

std::variant<Invocation, int> parseInvocation(const std::vector<std::string>& args) {
  Invocation out;
  out.name = "outbox-relay";
  if (args.empty() || args[0].empty() || args[0][0] == '-') {
    out.args = args;  // the daemon
    return out;
  }
  const std::string& word = args[0];
  if (word == "replay" || word == "retention") {
    out.command = word == "replay" ? Command::kReplay : Command::kRetention;
    out.name += " " + word;
    out.args.assign(args.begin() + 1, args.end());
    return out;
  }
  if (word != "parked") return unknown("command", word);

  const std::string action = args.size() > 1 ? args[1] : "";
  if (action == "--help" || action == "-h") {
    std::cout << "Usage: outbox-relay parked list|retry|skip [flags]\n\n" << kCommandsHelp << "\n";
    return core::kExitOk;
  }
  if (action.empty() || action[0] == '-') {
    std::cerr << "outbox-relay: error: 'parked' needs an action: list, retry or skip (see "
                 "outbox-relay parked --help)\n";
    return core::kExitUsage;
  }
  if (action == "list") {
    out.command = Command::kParkedList;
  } else if (action == "retry") {
    out.command = Command::kParkedRetry;
  } else if (action == "skip") {
    out.command = Command::kParkedSkip;
  } else {
    return unknown("parked action", action);
  }
  out.name += " parked " + action;
  out.args.assign(args.begin() + 2, args.end());
  return out;
}

}  // namespace outbox
