#pragma once
// Retention: deletes published rows whose published_at is older than an age,
// walking the primary key in windows of batch_size ids from the oldest row
// until it reaches rows younger than the age. Each window is its own short
// transaction that locks only
// published rows (FOR UPDATE SKIP LOCKED), so it never waits for, nor blocks,
// the live publisher, which reads and marks only unpublished rows. Unpublished
// rows, parked rows and skipped rows (never published) are never deleted.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/db/session.hpp"
#include "core/result.hpp"

namespace outbox {

struct RetentionOptions {
  std::string database_url;
  std::chrono::seconds older_than{7 * 86400};
  std::int64_t batch_size = 1000;
};

class Retention {
 public:
  explicit Retention(RetentionOptions options);
  ~Retention();
  Retention(const Retention&) = delete;
  Retention& operator=(const Retention&) = delete;

  // Windows from the oldest row until one reaches young rows, the table ends
  // or keep_going() says stop; the number of rows deleted.
  core::Result<std::int64_t> run(const std::function<bool()>& keep_going = [] { return true; });
  // How many rows a run would delete now (for --dry-run).
  core::Result<std::int64_t> countEligible();
  void disconnect();

 private:
  struct Window {
    std::int64_t deleted = 0;
    bool reached_young_rows = false;
    std::optional<std::int64_t> next_id;  // none: the table ends here
  };
  core::Result<Window> deleteWindow(std::int64_t first_id);
  RetentionOptions options_;
  core::db::Session session_;
};

}  // namespace outbox
