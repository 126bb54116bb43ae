#pragma once
// `outbox-relay parked list|retry|skip`: runs the action, prints the outcome.

#include <ostream>
#include <string>
#include <vector>

#include "outbox/command.hpp"
#include "outbox/parked_rows.hpp"

namespace outbox {

// The exit code (0 done, 1 an id was not a parked row, 2 bad flag, 3 unreachable).
int runParkedCommand(const Invocation& invocation);

// The list as a table ("No parked rows." when empty) or as a JSON array.
std::string formatParkedTable(const std::vector<ParkedRow>& rows, bool include_skipped);
std::string formatParkedJson(const std::vector<ParkedRow>& rows);

}  // namespace outbox
