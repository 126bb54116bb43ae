#pragma once
// The worker's one session with the replica database. apply() is the
// exactly-once step: in ONE transaction it fences the partitions' stored
// offsets, upserts the newest change per customer where its version is newer
// than the row's, and stores the next offsets. Either all of it commits or
// none of it does.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/db/session.hpp"
#include "core/kafka/consumer.hpp"
#include "core/result.hpp"
#include "workers/replication/replica_change.hpp"

namespace replication {

// partition -> next offset to read, as stored in consumer_offsets.
using StoredOffsets = std::map<std::int32_t, std::int64_t>;

struct ApplyRequest {
  std::string group;
  std::string topic;
  // At most one change per customer id (see collapseChanges).
  const std::vector<ReplicaChange>* changes = nullptr;
  // Per change: the oldest version of its customer in the batch (nullptr:
  // the change's own), to tell a version gap from superseded changes.
  const std::vector<std::int32_t>* oldest_versions = nullptr;
  // Stored in the same transaction: the next offsets of this batch's partitions.
  std::vector<core::kafka::PartitionOffset> next_offsets;
  // The fence: what this worker believes is stored for each partition of
  // next_offsets (nullopt: no row yet). Anything else means another worker
  // moved the offsets, and nothing is written.
  std::map<std::int32_t, std::optional<std::int64_t>> expected;
};

struct ApplyOutcome {
  std::vector<std::int64_t> applied_ids;  // customers whose row changed
  // Applied customers whose stored version was more than one behind the
  // batch's oldest version of them: versions never reached the replica.
  std::vector<std::int64_t> gap_ids;
};

class ReplicaStore {
 public:
  explicit ReplicaStore(std::string database_url);
  ~ReplicaStore();
  ReplicaStore(const ReplicaStore&) = delete;
  ReplicaStore& operator=(const ReplicaStore&) = delete;

  // Opens the session, prepares the statements and checks that the schema is
  // there: kUnavailable when the server is down, kPermanent when the
  // replication tables or columns are missing (migrations not applied).
  core::Status connect();
  bool connected() const;
  void disconnect();

  core::Result<StoredOffsets> storedOffsets(const std::string& group, const std::string& topic);
  // kConflict when the fence fails; kUnavailable when the connection broke
  // (also when the COMMIT's outcome is unknown: re-read the stored offsets).
  core::Result<ApplyOutcome> apply(const ApplyRequest& request);
  core::Status ping();

 private:
  core::db::Session session_;
};

// PostgreSQL array literals, one per column of the upsert (exposed for tests).
struct ChangeColumns {
  std::string ids, names, phones, emails, deleted, versions, created_on, updated_on, created_by,
      updated_by, event_ids, outbox_ids, partitions, offsets;
};
ChangeColumns encodeChangeColumns(const std::vector<ReplicaChange>& changes);

}  // namespace replication
