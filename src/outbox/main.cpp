// outbox-relay: picks the command (daemon, parked, replay, retention) and runs it.

#include <string>
#include <vector>

#include "core/app/main_support.hpp"
#include "outbox/command.hpp"
#include "outbox/daemon_command.hpp"
#include "outbox/parked_command.hpp"
#include "outbox/replay_command.hpp"
#include "outbox/retention_command.hpp"

int main(int argc, char** argv) {
  core::app::blockTerminationSignals();
  return core::app::runMain("outbox-relay", [&]() -> int {
    auto parsed = outbox::parseInvocation(std::vector<std::string>(argv + 1, argv + argc));
    if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
    const auto& invocation = std::get<outbox::Invocation>(parsed);
    switch (invocation.command) {
      case outbox::Command::kDaemon: return outbox::runDaemonCommand(invocation);
      case outbox::Command::kParkedList:
      case outbox::Command::kParkedRetry:
      case outbox::Command::kParkedSkip: return outbox::runParkedCommand(invocation);
      case outbox::Command::kReplay: return outbox::runReplayCommand(invocation);
      case outbox::Command::kRetention: return outbox::runRetentionCommand(invocation);
    }
    return 1;
  });
}
