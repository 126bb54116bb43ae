#include "workers/replication/change_batch.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace replication {

CollapsedChanges collapseChanges(std::vector<ReplicaChange> changes) {
  CollapsedChanges out;
  out.newest.reserve(changes.size());
  out.oldest_version.reserve(changes.size());
  std::unordered_map<std::int64_t, std::size_t> slot_of;
  slot_of.reserve(changes.size());
  // Every version seen, only for the (few) customers with several changes.
  std::unordered_map<std::size_t, std::vector<std::int32_t>> versions_of;
  for (auto& change : changes) {
    const auto [it, inserted] = slot_of.emplace(change.row.id, out.newest.size());
    if (inserted) {
      out.oldest_version.push_back(change.row.version);
      out.newest.push_back(std::move(change));
      continue;
    }
    ++out.superseded;
    const std::size_t slot = it->second;
    auto& versions = versions_of[slot];
    if (versions.empty()) versions.push_back(out.newest[slot].row.version);
    versions.push_back(change.row.version);
    out.oldest_version[slot] = std::min(out.oldest_version[slot], change.row.version);
    auto& kept = out.newest[slot];
    if (change.row.version > kept.row.version) kept = std::move(change);
  }
  out.gap_inside.assign(out.newest.size(), false);
  for (auto& [slot, versions] : versions_of) {
    std::sort(versions.begin(), versions.end());
    versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
    out.gap_inside[slot] =
        versions.back() - versions.front() + 1 != static_cast<std::int32_t>(versions.size());
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
