#pragma once
// `outbox-relay [flags]`: the publishing daemon (or one drain with --once),
// with its status server, optional LISTEN/NOTIFY wake-up and retention.

#include "outbox/command.hpp"

namespace outbox {

// The exit code; see the daemon's --help.
int runDaemonCommand(const Invocation& invocation);

}  // namespace outbox
