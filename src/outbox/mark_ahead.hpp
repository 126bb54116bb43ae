#pragma once
// --source wal: writes a batch's marks (published_at, partition, offset) on a
// second session while the relay streams, produces and awaits the reports of
// the next batch. Draining the slot then costs max(mark, read + produce +
// acks) per batch instead of their sum: the mark is the slowest step (a
// non-HOT update of every row).
//
// The slot is confirmed past a batch only once its marks are written
// (confirmed ⇒ marked, README "WAL source"), and one batch's marks are in
// flight at most, so a kill -9 sends again at most the batch being marked
// and the one after it.

#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "outbox/outbox_session.hpp"
#include "outbox/wal_decoder.hpp"

namespace outbox {

class MarkAhead {
 public:
  explicit MarkAhead(std::string database_url);
  ~MarkAhead();  // waits for marks in progress
  MarkAhead(const MarkAhead&) = delete;
  MarkAhead& operator=(const MarkAhead&) = delete;

  // What a batch's marks allow once written.
  struct Batch {
    std::vector<PublishedMark> marks;
    std::optional<Lsn> confirmable;  // the slot may be confirmed up to here
    std::map<std::string, std::uint64_t> marked_per_topic;
  };
  // Starts writing `batch`'s marks; the caller waited for the previous ones.
  void start(Batch batch);
  bool inFlight() const { return writing_.valid(); }
  // True once the marks in flight (if any) are done, waiting up to `wait`.
  bool written(std::chrono::milliseconds wait) const;
  // Waits for the marks in flight (none: an empty batch). The error when the
  // database did not take them: their rows stay unmarked and unconfirmed.
  core::Result<Batch> wait();

 private:
  OutboxSession session_;
  std::future<core::Status> writing_;
  Batch batch_;  // the one being written
};

}  // namespace outbox
