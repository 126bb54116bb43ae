#include "outbox/batch_plan.hpp"

#include <set>

namespace outbox {

std::vector<RowStep> planSends(const std::vector<core::db::OutboxRow>& rows,
                               std::size_t max_message_bytes, const StreamHolds& holds) {
  std::vector<RowStep> steps;
  steps.reserve(rows.size());
  std::set<std::string> parked_keys;
  for (const auto& row : rows) {
    if (holds.published && holds.published->count(row.id) > 0) {
      steps.push_back({&row, RowAction::kSkip, {}});
    } else if (parked_keys.count(row.key) > 0 ||
               (holds.held && holds.held->count({row.aggregate_type, row.aggregate_id}) > 0)) {
      steps.push_back({&row, RowAction::kHold, {}});
    } else if (row.payload.size() + row.key.size() > max_message_bytes) {
      steps.push_back({&row, RowAction::kPark,
                       "message of " + std::to_string(row.payload.size()) + " bytes exceeds the " +
                           std::to_string(max_message_bytes) + "-byte limit"});
      parked_keys.insert(row.key);
    } else {
      steps.push_back({&row, RowAction::kSend, {}});
    }
  }
  return steps;
}

bool mayReadAhead(std::size_t rows, std::size_t sent, std::size_t batch_size) {
  return rows >= batch_size && sent == rows;
}

bool Undelivered::refusedForGood() const {
  return refusal && refusal->kind == core::ErrorKind::kPermanent;
}

MarkPlan planMarks(const std::vector<const core::db::OutboxRow*>& sent,
                   const std::map<std::int64_t, core::kafka::DeliveryReport>& reports) {
  MarkPlan plan;
  for (const auto* row : sent) {
    const auto it = reports.find(row->id);
    if (it == reports.end()) {
      plan.stopped_at = Undelivered{row->id, std::nullopt};
      break;
    }
    const auto& report = it->second;
    if (!report.persisted) {
      plan.stopped_at = Undelivered{
          row->id, report.error ? *report.error
                                : core::Error{core::ErrorKind::kUnavailable, "not persisted"}};
      break;
    }
    plan.marks.push_back({row->id, report.partition, report.offset});
    ++plan.marked_per_topic[row->topic];
  }
  return plan;
}

std::size_t settledRows(const std::vector<RowStep>& steps, const MarkPlan& plan,
                        const std::set<std::int64_t>& unrecorded) {
  std::set<std::int64_t> marked;
  for (const auto& mark : plan.marks) marked.insert(mark.id);
  std::size_t settled = 0;
  for (const auto& step : steps) {
    const bool done = step.action == RowAction::kSend   ? marked.count(step.row->id) > 0
                      : step.action == RowAction::kPark ? unrecorded.count(step.row->id) == 0
                                                        : true;
    if (!done) break;
    ++settled;
  }
  return settled;
}

}  // namespace outbox
