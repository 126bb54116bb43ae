#pragma once
// `outbox-relay replay`: plan, dry run or send, summary on stdout.

#include <string>
#include <vector>

#include "outbox/command.hpp"
#include "outbox/replay_source.hpp"
#include "outbox/replayer.hpp"

namespace outbox {

// 0 every row delivered (or dry run), 1 some failed or interrupted, 2 bad
// flag, 3 database or brokers unreachable.
int runReplayCommand(const Invocation& invocation);

// What --dry-run prints: the count per topic (and where it would go) and the first rows.
std::string formatDryRun(const ReplayPlan& plan, const std::vector<core::db::OutboxRow>& first,
                         const std::optional<std::string>& to_topic);
// The closing summary.
std::string formatReplaySummary(const ReplayPlan& plan, const ReplayOutcome& outcome);

}  // namespace outbox
