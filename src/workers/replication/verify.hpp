#pragma once
// `replication-worker verify`: compares the source customers table with the
// replica, across two databases (no dblink). Each side is read in one
// repeatable-read snapshot; the id space is cut into chunks at the source's
// ids, each chunk is compared by row count and an md5 over its rows' text,
// and only chunks that differ are read row by row.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace replication {

struct VerifyOptions {
  std::string source_url;
  std::string replica_url;
  std::size_t max_listed = 20;     // differences kept in full
  std::size_t chunk_size = 10000;  // customers per hashed chunk
  bool repair = false;             // verify --repair: collect every differing id
};

enum class DifferenceKind {
  kMissing,    // in the source, not in the replica
  kExtra,      // in the replica, not in the source
  kDifferent,  // in both, some field differs
};

struct Difference {
  DifferenceKind kind = DifferenceKind::kDifferent;
  std::int64_t id = 0;
  std::string detail;
};

struct VerifyReport {
  std::size_t source_rows = 0;
  std::size_t replica_rows = 0;
  std::size_t missing = 0;
  std::size_t extra = 0;
  std::size_t different = 0;
  std::size_t chunks = 0;
  std::size_t chunks_read = 0;              // chunks whose hashes differed
  std::vector<Difference> listed;           // the first max_listed, in id order
  std::vector<std::int64_t> differing_ids;  // all of them, when repair was asked for

  bool equal() const { return missing == 0 && extra == 0 && different == 0; }
};

// kUnavailable when a database cannot be reached; kInternal for SQL errors
// (e.g. a missing table).
core::Result<VerifyReport> verifyReplica(const VerifyOptions& options);

// The printed result: one line per listed difference, then a summary line.
std::string formatReport(const VerifyReport& report);

}  // namespace replication
