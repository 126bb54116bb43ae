#include "outbox/batch_plan.hpp"

#include <doctest/doctest.h>

using core::db::OutboxRow;
using outbox::RowAction;

namespace {

// A row of customer `key` (its Kafka key) on `topic` with a payload of `bytes` bytes.
OutboxRow row(std::int64_t id, const std::string& key, std::size_t bytes = 10,
              const std::string& topic = "crud") {
  OutboxRow r;
  r.id = id;
  r.key = key;
  r.topic = topic;
  r.payload = std::string(bytes, 'x');
  return r;
}

std::vector<RowAction> actions(const std::vector<outbox::RowStep>& steps) {
  std::vector<RowAction> out;
  for (const auto& step : steps) out.push_back(step.action);
  return out;
}

std::vector<const OutboxRow*> pointers(const std::vector<OutboxRow>& rows) {
  std::vector<const OutboxRow*> out;
  for (const auto& r : rows) out.push_back(&r);
  return out;
}

core::kafka::DeliveryReport persisted(std::int64_t id, std::int64_t offset) {
  core::kafka::DeliveryReport report;
  report.correlation_id = id;
  report.partition = 0;
  report.offset = offset;
  report.persisted = true;
  return report;
}

core::kafka::DeliveryReport refused(std::int64_t id, core::ErrorKind kind, const std::string& why) {
  core::kafka::DeliveryReport report;
  report.correlation_id = id;
  report.error = core::Error{kind, why};
  return report;
}

std::map<std::int64_t, core::kafka::DeliveryReport> byId(
    const std::vector<core::kafka::DeliveryReport>& reports) {
  std::map<std::int64_t, core::kafka::DeliveryReport> out;
  for (const auto& r : reports) out[r.correlation_id] = r;
  return out;
}

std::vector<std::int64_t> markedIds(const outbox::MarkPlan& plan) {
  std::vector<std::int64_t> out;
  for (const auto& mark : plan.marks) out.push_back(mark.id);
  return out;
}

}  // namespace

TEST_CASE("rows within the size limit are all sent, in id order") {
  const std::vector<OutboxRow> rows{row(1, "7"), row(2, "8"), row(3, "7")};
  const auto steps = outbox::planSends(rows, 100);
  CHECK(actions(steps) ==
        std::vector<RowAction>{RowAction::kSend, RowAction::kSend, RowAction::kSend});
  for (std::size_t i = 0; i < rows.size(); ++i) CHECK(steps[i].row == &rows[i]);
}

TEST_CASE(
    "an oversize row is parked with its reason; its customer's later rows are held, others sent") {
  const std::vector<OutboxRow> rows{row(1, "7"), row(2, "7", 500), row(3, "8"),
                                    row(4, "7"), row(5, "8"),      row(6, "7")};
  const auto steps = outbox::planSends(rows, 100);
  CHECK(actions(steps) == std::vector<RowAction>{RowAction::kSend, RowAction::kPark,
                                                 RowAction::kSend, RowAction::kHold,
                                                 RowAction::kSend, RowAction::kHold});
  CHECK(steps[1].why == "message of 500 bytes exceeds the 100-byte limit");
  CHECK(steps[0].why.empty());
}

TEST_CASE("a second oversize row of a customer waits behind the first rather than being parked") {
  const std::vector<OutboxRow> rows{row(1, "7", 500), row(2, "7", 500), row(3, "9", 500)};
  CHECK(actions(outbox::planSends(rows, 100)) ==
        std::vector<RowAction>{RowAction::kPark, RowAction::kHold, RowAction::kPark});
}

TEST_CASE("the size limit counts the key with the payload") {
  const std::vector<OutboxRow> rows{row(1, "12", 98), row(2, "34", 99)};
  CHECK(actions(outbox::planSends(rows, 100)) ==
        std::vector<RowAction>{RowAction::kSend, RowAction::kPark});
}

TEST_CASE("the next batch is read ahead only while a full batch is sent whole") {
  CHECK(outbox::mayReadAhead(5, 5, 5));
  CHECK_FALSE(outbox::mayReadAhead(4, 4, 5));  // partial: probably nothing more waits
  CHECK_FALSE(outbox::mayReadAhead(5, 4, 5));  // a row parked, held or not produced
  CHECK_FALSE(outbox::mayReadAhead(5, 0, 5));
}

TEST_CASE(
    "a batch persisted whole is marked whole, with partitions and offsets, counted by topic") {
  const std::vector<OutboxRow> rows{row(1, "7", 10, "crud"), row(2, "7", 10, "mail"),
                                    row(3, "8", 10, "crud")};
  const auto plan = outbox::planMarks(pointers(rows),
                                      byId({persisted(1, 40), persisted(2, 7), persisted(3, 41)}));
  CHECK_FALSE(plan.stopped_at);
  REQUIRE(plan.marks.size() == 3);
  CHECK(plan.marks[0].id == 1);
  CHECK(plan.marks[0].partition == 0);
  CHECK(plan.marks[0].offset == 40);
  CHECK(plan.marks[1].offset == 7);
  CHECK(plan.marks[2].offset == 41);
  CHECK(plan.marked_per_topic == std::map<std::string, std::uint64_t>{{"crud", 2}, {"mail", 1}});
}

TEST_CASE("only the persisted prefix is marked: nothing from the first refused row on") {
  const std::vector<OutboxRow> rows{row(1, "7"), row(2, "8"), row(3, "9"), row(4, "10"),
                                    row(5, "7")};
  // Rows 4 and 5 were persisted after row 3 was refused: still not marked.
  const auto plan = outbox::planMarks(
      pointers(rows),
      byId({persisted(1, 0), persisted(2, 1), refused(3, core::ErrorKind::kPermanent, "too large"),
            persisted(4, 2), persisted(5, 3)}));
  CHECK(markedIds(plan) == std::vector<std::int64_t>{1, 2});
  REQUIRE(plan.stopped_at);
  CHECK(plan.stopped_at->id == 3);
  REQUIRE(plan.stopped_at->refusal);
  CHECK(plan.stopped_at->refusal->message == "too large");
  CHECK(plan.stopped_at->refusedForGood());
  CHECK(plan.marked_per_topic == std::map<std::string, std::uint64_t>{{"crud", 2}});
}

TEST_CASE("a customer's later row waits behind its refused row even when the broker persisted it") {
  const std::vector<OutboxRow> rows{row(1, "7"), row(2, "7")};
  const auto plan = outbox::planMarks(
      pointers(rows),
      byId({refused(1, core::ErrorKind::kUnavailable, "timed out"), persisted(2, 5)}));
  CHECK(plan.marks.empty());
  REQUIRE(plan.stopped_at);
  CHECK(plan.stopped_at->id == 1);
  CHECK_FALSE(plan.stopped_at->refusedForGood());  // transient: not an attempt against the limit
}

TEST_CASE("a missing delivery report ends the prefix without a refusal to record") {
  const std::vector<OutboxRow> rows{row(1, "7"), row(2, "8"), row(3, "9")};
  const auto plan = outbox::planMarks(pointers(rows), byId({persisted(1, 0), persisted(3, 1)}));
  CHECK(markedIds(plan) == std::vector<std::int64_t>{1});
  REQUIRE(plan.stopped_at);
  CHECK(plan.stopped_at->id == 2);
  CHECK_FALSE(plan.stopped_at->refusal);
  CHECK_FALSE(plan.stopped_at->refusedForGood());
}

TEST_CASE("a report that is neither persisted nor explained counts as a transient refusal") {
  const std::vector<OutboxRow> rows{row(1, "7")};
  core::kafka::DeliveryReport report;
  report.correlation_id = 1;
  const auto plan = outbox::planMarks(pointers(rows), byId({report}));
  CHECK(plan.marks.empty());
  REQUIRE(plan.stopped_at);
  REQUIRE(plan.stopped_at->refusal);
  CHECK(plan.stopped_at->refusal->kind == core::ErrorKind::kUnavailable);
  CHECK(plan.stopped_at->refusal->message == "not persisted");
}

TEST_CASE("reports of rows this batch did not send are ignored") {
  const std::vector<OutboxRow> rows{row(5, "7")};
  const auto plan =
      outbox::planMarks(pointers(rows), byId({persisted(4, 0), persisted(5, 1), persisted(6, 2)}));
  CHECK(markedIds(plan) == std::vector<std::int64_t>{5});
  CHECK_FALSE(plan.stopped_at);
}

TEST_CASE("parked and held rows are never marked, and do not stop the others' marks") {
  const std::vector<OutboxRow> rows{row(1, "7", 500), row(2, "8"), row(3, "7"), row(4, "8")};
  const auto steps = outbox::planSends(rows, 100);
  std::vector<const OutboxRow*> sent;
  for (const auto& step : steps) {
    if (step.action == RowAction::kSend) sent.push_back(step.row);
  }
  const auto plan = outbox::planMarks(sent, byId({persisted(2, 0), persisted(4, 1)}));
  CHECK(markedIds(plan) == std::vector<std::int64_t>{2, 4});
  CHECK_FALSE(plan.stopped_at);
  CHECK_FALSE(outbox::mayReadAhead(rows.size(), sent.size(), rows.size()));
}

TEST_CASE("nothing sent, nothing marked") {
  const auto plan = outbox::planMarks({}, {});
  CHECK(plan.marks.empty());
  CHECK(plan.marked_per_topic.empty());
  CHECK_FALSE(plan.stopped_at);
  CHECK(outbox::planSends({}, 100).empty());
}

namespace {

OutboxRow customerRow(std::int64_t id, std::int64_t customer) {
  auto r = row(id, std::to_string(customer));
  r.aggregate_type = "customer";
  r.aggregate_id = customer;
  return r;
}

}  // namespace

TEST_CASE("wal: rows of a held customer wait and rows published by a query are skipped") {
  const std::vector<OutboxRow> rows{customerRow(5, 7), customerRow(3, 8), customerRow(6, 9),
                                    customerRow(9, 7)};
  const std::set<outbox::Aggregate> held{{"customer", 7}, {"supplier", 9}};
  const std::set<std::int64_t> published{3};
  const auto steps = outbox::planSends(rows, 100, {&held, &published});
  CHECK(actions(steps) == std::vector<RowAction>{RowAction::kHold, RowAction::kSkip,
                                                 RowAction::kSend, RowAction::kHold});
}

TEST_CASE("wal: the settled rows end at the first sent row that was not marked") {
  const std::vector<OutboxRow> rows{customerRow(1, 7), customerRow(2, 8), customerRow(3, 9),
                                    customerRow(4, 10), customerRow(5, 11)};
  std::vector<outbox::RowStep> steps{{&rows[0], RowAction::kSend, {}},
                                     {&rows[1], RowAction::kHold, {}},
                                     {&rows[2], RowAction::kPark, "too large"},
                                     {&rows[3], RowAction::kSend, {}},
                                     {&rows[4], RowAction::kSkip, {}}};
  outbox::MarkPlan plan;
  plan.marks = {{1, 0, 10}, {4, 0, 11}};
  CHECK(outbox::settledRows(steps, plan, {}) == 5);
  CHECK(outbox::settledRows(steps, plan, {3}) == 2);  // the park was not recorded
  plan.marks = {{1, 0, 10}};
  CHECK(outbox::settledRows(steps, plan, {}) == 3);  // row 4 was not persisted
  plan.marks.clear();
  CHECK(outbox::settledRows(steps, plan, {}) == 0);
}
