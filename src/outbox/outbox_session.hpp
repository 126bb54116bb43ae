#pragma once
// The relay's database session. The leader's holds the leader lock (a
// session-level advisory lock), reads pending rows and marks them published:
// because the marks run on the lock-holding session, a relay that lost its
// session (and with it the lock) cannot mark anything. A second, lock-less
// session only reads ahead (read_ahead.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/db/outbox_row.hpp"
#include "core/db/session.hpp"
#include "core/result.hpp"

namespace outbox {

struct PublishedMark {
  std::int64_t id = 0;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// --source wal: the WAL the server keeps for the relay's slot.
struct SlotRetention {
  std::int64_t bytes = 0;  // from the slot's restart position to the end of the WAL
  std::string wal_status;  // reserved, extended, unreserved or lost (pg_replication_slots)
};

// A customer, as the outbox names it: (aggregate_type, aggregate_id).
using Aggregate = std::pair<std::string, std::int64_t>;

struct Backlog {
  std::int64_t pending = 0;
  double oldest_age_seconds = 0;
  std::int64_t parked = 0;
};

class OutboxSession {
 public:
  explicit OutboxSession(std::string database_url);
  ~OutboxSession();
  OutboxSession(const OutboxSession&) = delete;
  OutboxSession& operator=(const OutboxSession&) = delete;

  // Opens the session if it is not open. kUnavailable when the server is down.
  core::Status connect();
  bool connected() const;
  void disconnect();

  // Non-blocking: true when this session now holds (or already held) the lock.
  core::Result<bool> tryLock(std::int64_t key);

  // The oldest unpublished, unparked rows in id order, skipping rows of a
  // customer that has an unresolved parked row before them, and `excluding`.
  core::Result<std::vector<core::db::OutboxRow>> pending(
      std::size_t limit, const std::vector<std::int64_t>& excluding = {});
  // Marks every row of `marks` that is not published yet; a row not visible
  // yet (a transaction the slot delivered before it was shown) is marked
  // again until it is, for up to 10 s.
  core::Status markPublished(const std::vector<PublishedMark>& marks);
  // Counts a failed attempt; parks the row when `park_now` or when the
  // attempts reach max_attempts. Returns whether it is parked now.
  core::Result<bool> recordFailure(std::int64_t id, const std::string& error, bool park_now,
                                   int max_attempts);
  core::Result<Backlog> backlog();
  // nullopt when the slot does not exist.
  core::Result<std::optional<SlotRetention>> slotRetention(const std::string& slot);
  // Whether the outbox insert trigger should send its NOTIFY (wakeup_switch.hpp).
  core::Status requestWakeups(bool wanted);

  // --source wal (outbox_session_wal.cpp, migration 0013): the customers
  // whose rows the stream left in the outbox, and the slots whose polling
  // drain is due. Records that `aggregates` are held.
  core::Status hold(const std::vector<Aggregate>& aggregates);
  // Also records every customer with a refused or parked row; returns all held.
  core::Result<std::vector<Aggregate>> heldAggregates();
  // pending() for the held customers only.
  core::Result<std::vector<core::db::OutboxRow>> pendingHeld(std::size_t limit);
  // Forgets the held customers with no unpublished row left; returns them.
  core::Result<std::vector<Aggregate>> releaseHeld();
  // Which of `ids` are published already.
  core::Result<std::vector<std::int64_t>> publishedAmong(const std::vector<std::int64_t>& ids);
  core::Status requestSlotDrain(const std::string& slot);
  core::Result<bool> slotDrainDue(const std::string& slot);
  core::Status finishSlotDrain(const std::string& slot);

 private:
  // One UPDATE; the ids it did not mark.
  core::Result<std::vector<std::int64_t>> markOnce(const std::vector<PublishedMark>& marks);
  core::db::Session session_;
};

}  // namespace outbox
