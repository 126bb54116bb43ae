#pragma once
// Retention: deletes published rows whose published_at is older than an age,
// in small batches. Each batch is its own short transaction that locks only
// published rows (FOR UPDATE SKIP LOCKED), so it never waits for, nor blocks,
// the live publisher, which reads and marks only unpublished rows. Unpublished
// rows, parked rows and skipped rows (never published) are never deleted.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <pqxx/connection>
#include <string>

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

  // One batch: how many rows it deleted (fewer than batch_size: done for now).
  core::Result<std::int64_t> deleteBatch();
  // Batches until one comes back short or keep_going() says stop; the total.
  core::Result<std::int64_t> run(const std::function<bool()>& keep_going = [] { return true; });
  // How many rows a run would delete now (for --dry-run).
  core::Result<std::int64_t> countEligible();
  void disconnect() { connection_.reset(); }

 private:
  core::Status connect();
  RetentionOptions options_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace outbox
