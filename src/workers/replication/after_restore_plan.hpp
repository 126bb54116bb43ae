#pragma once
// The decisions of `replication-worker after-restore`, without a database:
// whether the replica has applied everything on the topic, how far a
// sequence must move, the highest outbox id an event names, and what to do
// about a customer the restored source and the replica see differently.
// (after_restore.* does the I/O.)

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/customer.hpp"
#include "core/domain/events.hpp"
#include "core/kafka/topic_tail.hpp"

namespace replication {

// updated_by of every row after-restore writes: the audit trail of a correction.
inline constexpr const char* kAfterRestoreAuthor = "after-restore";

struct PartitionLag {
  std::int32_t partition = 0;
  std::int64_t high = 0;               // the topic's high watermark
  std::optional<std::int64_t> stored;  // the replica's next offset (none: never stored)
  std::int64_t lag = 0;                // events on the topic the replica has not applied
};

// The partitions whose events the replica has not all applied (stored in
// consumer_offsets with the data). Messages below the low watermark are gone
// and cannot be applied any more, so they do not count.
std::vector<PartitionLag> laggingPartitions(
    const std::vector<core::kafka::PartitionWatermarks>& topic,
    const std::map<std::int32_t, std::int64_t>& stored);

// A sequence as PostgreSQL reports it (SELECT last_value, is_called FROM seq).
struct SequenceState {
  std::int64_t last_value = 1;
  bool is_called = false;
  std::int64_t nextId() const { return is_called ? last_value + 1 : last_value; }
};

// The value to setval(seq, value, true) so that the next id is above
// highest_used + margin; nullopt when the next id is above highest_used
// already (a second run, or nothing was lost), so a rerun moves nothing.
std::optional<std::int64_t> sequenceTarget(const SequenceState& state, std::int64_t highest_used,
                                           std::int64_t margin);

// The outbox_id a CRUD event's JSON names; nullopt when it names none (not
// JSON, or a forged event without one).
std::optional<std::int64_t> outboxIdOf(const std::string& payload);

enum class CorrectionKind {
  kNone,           // nothing to fix in the source (repair alone brings the replica along)
  kBumpVersion,    // the replica has this version or newer with other content
  kTombstone,      // a live replica customer the source lacks (created in the lost window)
  kCopyTombstone,  // a replica tombstone the source lacks (created and deleted in the window)
};

struct Correction {
  CorrectionKind kind = CorrectionKind::kNone;
  std::int32_t version = 0;  // the source row's new version
};

// What to do about one customer. The topic (and the replica, which has
// applied all of it) may hold versions the restored source no longer has;
// the source's next change must get a version above them, or the worker
// would skip it as stale.
Correction planCorrection(const std::optional<core::domain::Customer>& source,
                          const std::optional<core::domain::Customer>& replica);

// The event a corrected row is announced with: a tombstone is a delete,
// anything else an update (before = the replica's row, after = the source's).
core::domain::CrudEventType correctionEventType(const core::domain::Customer& after);

}  // namespace replication
