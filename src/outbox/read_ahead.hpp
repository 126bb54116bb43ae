#pragma once
// Reads the next batch on a second, lock-less session while the current batch
// waits for its delivery reports and marks: draining a backlog then costs
// max(read, acks + mark) per batch instead of their sum.
//
// The rows read ahead are exactly what a read after the marks would return,
// minus rows committed in between (a later poll gets those), provided the
// batch in flight is published whole: the relay uses them only then, and only
// while it stays the leader it was when the read started. Otherwise it
// discards them and reads again.

#include <cstddef>
#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "outbox/outbox_session.hpp"

namespace outbox {

class ReadAhead {
 public:
  explicit ReadAhead(std::string database_url);
  ~ReadAhead();  // waits for a read in progress
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Starts reading up to `limit` pending rows other than `in_flight` (the
  // batch being published) on a background thread. Discards an earlier read.
  void start(std::vector<std::int64_t> in_flight, std::size_t limit);
  // The rows of the read started last, once it has finished; nullopt when no
  // read was started or it failed (then the caller simply reads itself).
  std::optional<std::vector<core::db::OutboxRow>> take();
  // Forgets the read in progress, if any.
  void discard();

 private:
  OutboxSession session_;
  std::future<core::Result<std::vector<core::db::OutboxRow>>> read_;
};

}  // namespace outbox
