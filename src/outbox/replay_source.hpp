#pragma once
// What replay reads: published outbox rows in a range, on a read-only session
// of its own (no leader lock, and no statement of it can change a row). Pages
// follow a keyset cursor over id, which is correct here, unlike for live
// publishing: only published rows are replayed, and a row is published only
// after it committed, so no row can appear later below the cursor.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/db/outbox_row.hpp"
#include "core/db/session.hpp"
#include "core/result.hpp"

namespace outbox {

struct ReplayRange {
  std::optional<std::int64_t> from_id;   // inclusive
  std::optional<std::int64_t> to_id;     // inclusive
  std::optional<std::string> from_time;  // ISO-8601, inclusive
  std::optional<std::string> to_time;    // ISO-8601, exclusive
  std::optional<std::string> topic;      // only rows of this original topic
};

struct ReplayPlan {
  std::int64_t total = 0;
  std::int64_t min_id = 0;
  std::int64_t max_id = 0;
  std::vector<std::pair<std::string, std::int64_t>> per_topic;  // original topic, rows
};

class ReplaySource {
 public:
  static core::Result<std::unique_ptr<ReplaySource>> open(const std::string& database_url);
  ~ReplaySource();

  core::Result<ReplayPlan> plan(const ReplayRange& range);
  // Up to `limit` rows of the range with after_id < id <= up_to_id, in id order.
  core::Result<std::vector<core::db::OutboxRow>> page(const ReplayRange& range,
                                                      std::int64_t after_id, std::int64_t up_to_id,
                                                      std::int64_t limit);

 private:
  explicit ReplaySource(core::db::Session session);
  core::db::Session session_;
};

}  // namespace outbox
