#pragma once
// `replication-worker after-restore`: after the source database was restored
// from a backup, makes it safe to write again. The topic and the replica hold
// events and rows of the lost window that the restored source no longer has:
// versions the source would reuse with other content (the worker would skip
// them as stale), customer ids and outbox ids it would hand out again.
//
// 1. Refuses while the replica has not applied everything on the CRUD topic
//    (its stored offsets against the topic's high watermarks): only then do
//    the replica's rows witness what the topic holds.
// 2. In one source transaction, with customers locked against writes: moves
//    the customer id sequence past every id the replica (or source) has, and
//    the outbox id sequence past the highest outbox_id on the topic's tail;
//    gives every customer whose replica version is the source's or newer with
//    other content the version after the replica's, announced by one CRUD
//    outbox row (no e-mail: it is a correction); and turns every customer
//    the source lacks into a tombstone, announced as a delete.
// 3. Repairs the replica rows that still differ and verifies.
// A second run finds nothing to do.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka/properties.hpp"
#include "core/result.hpp"
#include "workers/replication/after_restore_plan.hpp"
#include "workers/replication/verify.hpp"

namespace replication {

// Exit code of after-restore when the replica lags the topic (nothing changed).
inline constexpr int kExitReplicaLags = 4;

struct AfterRestoreOptions {
  VerifyOptions verify;  // source (the owner role: it moves sequences) and replica URLs
  std::string brokers;
  core::kafka::Properties kafka_properties;  // identity and -X
  std::string topic;
  std::string group_id;          // whose stored offsets the replica holds
  std::chrono::seconds wait{0};  // how long to wait for the replica to catch up
  // Messages read back from the end of each partition: the highest outbox_id
  // is among them unless more than this many lower ids were published after
  // it (a row commits later than a higher one only while its transaction is
  // in flight, a handful at a time).
  std::int64_t tail_per_partition = 1000;
  // Ids left out above that outbox_id: the notification rows written with or
  // after it (their ids are not on the CRUD topic) and rows not published
  // before the loss. Ids cost nothing; a bigint sequence never runs out.
  std::int64_t outbox_id_margin = 10000;
};

struct SequenceMove {
  std::string name;
  std::int64_t highest_used = 0;           // the highest id known to be taken
  std::int64_t next_before = 0;            // the next id it would have handed out
  std::optional<std::int64_t> next_after;  // after the move; nullopt: not moved
};

struct AfterRestoreReport {
  std::vector<PartitionLag> lagging;  // not empty: refused, nothing changed
  std::optional<std::int64_t> topic_highest_outbox_id;
  std::size_t messages_read = 0;
  SequenceMove customers_sequence;
  SequenceMove outbox_sequence;
  std::size_t bumped = 0;
  std::size_t tombstoned = 0;
  std::size_t tombstones_copied = 0;
  std::size_t events = 0;
  std::size_t repaired_rewritten = 0;
  std::size_t repaired_deleted = 0;
  VerifyReport final_report;
};

// kUnavailable when a database or the brokers cannot be reached; kNotFound
// when the topic does not exist; kInternal for SQL errors.
core::Result<AfterRestoreReport> afterRestore(const AfterRestoreOptions& options);

// The refusal (lagging partitions) or the summary: sequences moved, customers
// corrected, events written, rows repaired, then verify's report.
std::string formatAfterRestore(const AfterRestoreReport& report);

}  // namespace replication
