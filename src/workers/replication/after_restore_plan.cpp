#include "workers/replication/after_restore_plan.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <limits>

namespace replication {

std::vector<PartitionLag> laggingPartitions(
    const std::vector<core::kafka::PartitionWatermarks>& topic,
    const std::map<std::int32_t, std::int64_t>& stored) {
  std::vector<PartitionLag> out;
  for (const auto& p : topic) {
    PartitionLag lag;
    lag.partition = p.partition;
    lag.high = p.high;
    if (const auto it = stored.find(p.partition); it != stored.end()) lag.stored = it->second;
    const std::int64_t applied_up_to = std::max(lag.stored.value_or(p.low), p.low);
    lag.lag = std::max<std::int64_t>(0, p.high - applied_up_to);
    if (lag.lag > 0) out.push_back(lag);
  }
  return out;
}

std::optional<std::int64_t> sequenceTarget(const SequenceState& state, std::int64_t highest_used,
                                           std::int64_t margin) {
  if (state.nextId() > highest_used) return std::nullopt;
  return highest_used + margin;
}

std::optional<std::int64_t> outboxIdOf(const std::string& payload) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const auto it = doc.FindMember("outbox_id");
  if (it == doc.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

Correction planCorrection(const std::optional<core::domain::Customer>& source,
                          const std::optional<core::domain::Customer>& replica) {
  if (!replica) return {};  // the replica lacks it: repair copies the source's row
  // No version above it exists; repair alone (a forged event, not a restore).
  if (replica->version == std::numeric_limits<std::int32_t>::max()) return {};
  if (!source) {
    // Created in the lost window. Its id stays taken for good: a tombstone in
    // the source, so source, replica and topic agree (a replay cannot bring
    // it back) and the id is never given to another customer.
    if (replica->deleted) return {CorrectionKind::kCopyTombstone, replica->version};
    return {CorrectionKind::kTombstone, replica->version + 1};
  }
  if (replica->version >= source->version && !(*replica == *source)) {
    return {CorrectionKind::kBumpVersion, replica->version + 1};
  }
  return {};  // equal, or the source is ahead (its events are still to come)
}

core::domain::CrudEventType correctionEventType(const core::domain::Customer& after) {
  return after.deleted ? core::domain::CrudEventType::kDeleted
                       : core::domain::CrudEventType::kUpdated;
}

}  // namespace replication
