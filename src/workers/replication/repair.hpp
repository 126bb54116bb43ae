#pragma once
// `replication-worker verify --repair`: rewrites the replica rows that verify
// found different, missing or extra, from the source as it is now. In one
// replica transaction it locks those rows, reads the source rows in one
// statement (one snapshot), overwrites the replica rows with them whatever
// their version (a forged high version is exactly what must go) and deletes
// the replica rows the source does not have. The source is read after the
// lock, so a row is never set older than an event the worker already applied;
// later events apply on top as usual.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace replication {

struct RepairReport {
  std::size_t rewritten = 0;  // replica rows set to the source's
  std::size_t deleted = 0;    // replica rows without a source row
};

// kUnavailable when a database cannot be reached; kInternal for SQL errors.
core::Result<RepairReport> repairReplica(const std::string& source_url,
                                         const std::string& replica_url,
                                         const std::vector<std::int64_t>& ids);

}  // namespace replication
