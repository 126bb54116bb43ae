#include "workers/replication/change_batch.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace replication {

CollapsedChanges collapseChanges(std::vector<ReplicaChange> changes) {
  CollapsedChanges out;
  out.newest.reserve(changes.size());
  std::unordered_map<std::int64_t, std::size_t> slot_of;
  slot_of.reserve(changes.size());
  for (auto& change : changes) {
    const auto [it, inserted] = slot_of.emplace(change.row.id, out.newest.size());
    if (inserted) {
      out.newest.push_back(std::move(change));
      continue;
    }
    ++out.superseded;
    auto& kept = out.newest[it->second];
    if (change.row.version > kept.row.version) kept = std::move(change);
  }
  return out;
}

std::vector<core::kafka::PartitionOffset> nextOffsets(
    const std::vector<core::kafka::PartitionOffset>& consumed) {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> next;
  for (const auto& c : consumed) {
    auto& value = next[{c.topic, c.partition}];
    value = std::max(value, c.offset + 1);
  }
  std::vector<core::kafka::PartitionOffset> out;
  out.reserve(next.size());
  for (const auto& [key, offset] : next) out.push_back({key.first, key.second, offset});
  return out;
}

}  // namespace replication
