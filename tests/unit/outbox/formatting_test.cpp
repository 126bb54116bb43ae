// What operators read: parked-row tables and JSON, dry-run and replay summaries.

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "core/domain/timestamp.hpp"
#include "outbox/parked_command.hpp"
#include "outbox/replay_command.hpp"
#include "outbox/text_table.hpp"

using namespace outbox;

namespace {
ParkedRow parkedRow() {
  ParkedRow r;
  r.id = 42;
  r.aggregate_type = "customer";
  r.aggregate_id = 7;
  r.topic = "MICROSERVICE-CUSTOMER-UPDATES";
  r.event_type = "customer.updated";
  r.attempts = 5;
  r.error = "delivery failed: Broker: Message size too large";
  r.parked_at = "2026-11-28T09:00:00Z";
  r.waiting = 3;
  return r;
}
}  // namespace

TEST_CASE("tables align columns and do not pad the last one") {
  CHECK(formatTable({"ID", "NAME"}, {{"1", "a"}, {"100", "bb"}}) ==
        "ID   NAME\n"
        "1    a\n"
        "100  bb\n");
  CHECK(truncateCell("abcdefghij", 6) == "abc...");
  CHECK(truncateCell("line\nbreak", 20) == "line break");
}

TEST_CASE("the parked table shows id, aggregate, topic, attempts, since, waiting and error") {
  const auto text = formatParkedTable({parkedRow()}, false);
  CHECK(text.find("ID") == 0);
  for (const char* part : {"42", "customer:7", "MICROSERVICE-CUSTOMER-UPDATES", "customer.updated",
                           "2026-11-28T09:00:00Z", "Message size too large", "WAITING"}) {
    CAPTURE(part);
    CHECK(text.find(part) != std::string::npos);
  }
  CHECK(text.find("SKIPPED BY") == std::string::npos);
  CHECK(formatParkedTable({}, false) == "No parked rows.\n");
}

TEST_CASE("the parked JSON carries every field, skip audit only for skipped rows") {
  auto skipped = parkedRow();
  skipped.id = 43;
  skipped.skipped = true;
  skipped.skipped_by = "alice";
  skipped.skip_reason = "payload \"broken\"";
  skipped.skipped_at = "2026-11-28T10:00:00Z";
  rapidjson::Document doc;
  doc.Parse(formatParkedJson({parkedRow(), skipped}).c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(doc.IsArray());
  REQUIRE(doc.Size() == 2);
  CHECK(doc[0]["id"].GetInt64() == 42);
  CHECK(doc[0]["aggregate_id"].GetInt64() == 7);
  CHECK(std::string(doc[0]["error"].GetString()).find("too large") != std::string::npos);
  CHECK(doc[0]["attempts"].GetInt() == 5);
  CHECK(doc[0]["waiting"].GetInt64() == 3);
  CHECK_FALSE(doc[0]["skipped"].GetBool());
  CHECK_FALSE(doc[0].HasMember("skipped_by"));
  CHECK(std::string(doc[1]["skipped_by"].GetString()) == "alice");
  CHECK(std::string(doc[1]["skip_reason"].GetString()) == "payload \"broken\"");
}

TEST_CASE("the dry run lists the count per topic with its destination and the first rows") {
  ReplayPlan plan{3, 10, 12, {{"crud", 2}, {"mail", 1}}};
  core::db::OutboxRow row;
  row.id = 10;
  row.topic = "crud";
  row.key = "7";
  row.event_type = "customer.created";
  row.payload = "{}";
  row.created_at_micros = core::domain::parseIso8601("2026-11-28T09:00:00.5Z")->micros_since_epoch;
  const auto text = formatDryRun(plan, {row}, std::string("audit"));
  CHECK(text.find("3 rows would be replayed (ids 10..12); nothing was sent") != std::string::npos);
  CHECK(text.find("crud   2     audit") != std::string::npos);
  CHECK(text.find("mail   1     audit") != std::string::npos);
  CHECK(text.find("First 1 row:") != std::string::npos);
  CHECK(text.find("customer.created") != std::string::npos);
  CHECK(text.find("2026-11-28T09:00:00.500000Z") != std::string::npos);
}

TEST_CASE("the replay summary says what went where and where to resume") {
  ReplayPlan plan{10, 1, 10, {{"crud", 10}}};
  ReplayOutcome ok;
  ok.delivered = 10;
  ok.per_destination = {{"crud", 10}};
  CHECK(formatReplaySummary(plan, ok) == "Replayed 10 of 10 rows (crud: 10).\n");
  ReplayOutcome failed;
  failed.delivered = 4;
  failed.failed = 2;
  failed.not_attempted = 4;
  failed.first_failed_id = 5;
  failed.resume_from_id = 5;
  failed.first_error = "timed out";
  const auto text = formatReplaySummary(plan, failed);
  CHECK(text.find("2 failed, first at id 5: timed out") != std::string::npos);
  CHECK(text.find("Resume with --from-id 5") != std::string::npos);
  ReplayOutcome stopped;
  stopped.delivered = 3;
  stopped.not_attempted = 7;
  stopped.interrupted = true;
  stopped.resume_from_id = 4;
  const auto interrupted = formatReplaySummary(plan, stopped);
  CHECK(interrupted.find("Interrupted by a signal.") != std::string::npos);
  CHECK(interrupted.find("7 rows were not attempted. Resume with --from-id 4.") !=
        std::string::npos);
}

TEST_CASE("a replayed message keeps key and payload and adds the replay headers") {
  core::db::OutboxRow row;
  row.id = 10;
  row.topic = "crud";
  row.key = "7";
  row.payload = "{\"a\":1}";
  row.headers = {{"event_id", "e1"}};
  const auto same = replayMessage(row, std::nullopt);
  CHECK(same.topic == "crud");
  CHECK(same.key == "7");
  CHECK(same.payload == "{\"a\":1}");
  CHECK(same.correlation_id == 10);
  CHECK(same.headers ==
        std::vector<std::pair<std::string, std::string>>{{"event_id", "e1"}, {"replay", "true"}});
  const auto moved = replayMessage(row, std::string("audit"));
  CHECK(moved.topic == "audit");
  CHECK(moved.headers.back() ==
        std::pair<std::string, std::string>{"replay_original_topic", "crud"});
}
