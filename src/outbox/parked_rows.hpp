#pragma once
// The operator's view of parked outbox rows: list, retry (un-park) and skip.
// Each call is one short transaction on its own connection; none of them
// needs the leader lock, and the daemon never touches parked rows, so they are
// safe while it runs.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/db/session.hpp"
#include "core/result.hpp"

namespace outbox {

struct ParkedRow {
  std::int64_t id = 0;
  std::string aggregate_type;
  std::int64_t aggregate_id = 0;
  std::string topic;
  std::string event_type;
  int attempts = 0;
  std::string error;
  std::string parked_at;     // ISO-8601 UTC
  std::int64_t waiting = 0;  // later unpublished rows of the same aggregate
  bool skipped = false;
  std::string skipped_at;
  std::string skipped_by;
  std::string skip_reason;
};

class ParkedRows {
 public:
  // kUnavailable when the database cannot be reached.
  static core::Result<std::unique_ptr<ParkedRows>> open(const std::string& database_url);
  ~ParkedRows();

  core::Result<std::vector<ParkedRow>> list(bool include_skipped, std::int64_t limit);
  // Un-parks the given rows (or all when `all`); returns the ids un-parked.
  // kNotFound, and nothing changed, when a given id is not an unresolved parked row.
  core::Result<std::vector<std::int64_t>> retry(const std::vector<std::int64_t>& ids, bool all);
  // Marks the given parked rows skipped; same all-or-nothing rule as retry.
  core::Result<std::vector<std::int64_t>> skip(const std::vector<std::int64_t>& ids,
                                               const std::string& by, const std::string& reason);

 private:
  explicit ParkedRows(core::db::Session session);
  core::db::Session session_;
};

}  // namespace outbox
