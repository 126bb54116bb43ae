#include <doctest/doctest.h>

#include <map>

#include "workers/replication/dead_letter.hpp"
#include "workers/replication/replica_store.hpp"
#include "workers/replication/verify.hpp"

TEST_CASE("a dead letter keeps key, payload and headers and says why and where from") {
  replication::DeadLetter letter;
  letter.message.topic = "MICROSERVICE-CUSTOMER-UPDATES";
  letter.message.partition = 2;
  letter.message.offset = 77;
  letter.message.key = "42";
  letter.message.payload = "{broken";
  letter.message.timestamp_ms = 1700000000000;
  letter.message.headers = {{"traceparent", "00-abc"}};
  letter.error = "invalid JSON at offset 1";
  const auto out = replication::deadLetterMessage(letter, "DLQ", "replication-worker");
  CHECK(out.topic == "DLQ");
  CHECK(out.key == "42");
  CHECK(out.payload == "{broken");
  std::map<std::string, std::string> headers(out.headers.begin(), out.headers.end());
  CHECK(headers["traceparent"] == "00-abc");
  CHECK(headers[replication::kDlqErrorHeader] == "invalid JSON at offset 1");
  CHECK(headers[replication::kDlqTopicHeader] == "MICROSERVICE-CUSTOMER-UPDATES");
  CHECK(headers[replication::kDlqPartitionHeader] == "2");
  CHECK(headers[replication::kDlqOffsetHeader] == "77");
  CHECK(headers[replication::kDlqTimestampHeader] == "1700000000000");
  CHECK(headers[replication::kDlqGroupHeader] == "replication-worker");
  CHECK_FALSE(headers[replication::kDlqFailedAtHeader].empty());
}

TEST_CASE("a dead letter too large for the broker is cut, and a header gives its full size") {
  replication::DeadLetter letter;
  letter.message.payload = std::string(replication::kMaxDeadLetterPayloadBytes + 10, 'x');
  letter.error = "after_change.name is too long";
  const auto out = replication::deadLetterMessage(letter, "DLQ", "replication-worker");
  CHECK(out.payload.size() == replication::kMaxDeadLetterPayloadBytes);
  std::map<std::string, std::string> headers(out.headers.begin(), out.headers.end());
  CHECK(headers[replication::kDlqTruncatedHeader] ==
        std::to_string(replication::kMaxDeadLetterPayloadBytes + 10));

  letter.message.payload = "{small}";
  const auto whole = replication::deadLetterMessage(letter, "DLQ", "replication-worker");
  CHECK(whole.payload == "{small}");
  for (const auto& header : whole.headers) CHECK(header.first != replication::kDlqTruncatedHeader);
}

TEST_CASE("the upsert's column arrays carry every value, quoted and escaped") {
  replication::ReplicaChange c;
  c.row.id = 7;
  c.row.name = "Quote \" and \\ backslash, {braces}";
  c.row.phone = "";
  c.row.email = "a@b";
  c.row.version = 3;
  c.row.deleted = true;
  c.row.created_on.micros_since_epoch = 0;
  c.row.updated_on.micros_since_epoch = 1500000;
  c.row.created_by = "NULL";
  c.event_id = "ev";
  c.outbox_id = 11;
  c.partition = 1;
  c.offset = 99;
  auto d = c;
  d.row.id = 8;
  d.row.deleted = false;
  const auto columns = replication::encodeChangeColumns({c, d});
  CHECK(columns.ids == "{7,8}");
  CHECK(
      columns.names ==
      "{\"Quote \\\" and \\\\ backslash, {braces}\",\"Quote \\\" and \\\\ backslash, {braces}\"}");
  CHECK(columns.phones == "{\"\",\"\"}");
  CHECK(columns.deleted == "{t,f}");
  CHECK(columns.versions == "{3,3}");
  CHECK(columns.created_on == "{\"1970-01-01T00:00:00.000000Z\",\"1970-01-01T00:00:00.000000Z\"}");
  CHECK(columns.updated_on.find("1970-01-01T00:00:01.500000Z") != std::string::npos);
  CHECK(columns.created_by == "{\"NULL\",\"NULL\"}");  // quoted: a string, not NULL
  CHECK(columns.event_ids == "{\"ev\",\"ev\"}");
  CHECK(columns.outbox_ids == "{11,11}");
  CHECK(columns.partitions == "{1,1}");
  CHECK(columns.offsets == "{99,99}");
}

TEST_CASE("the verify report lists differences, says how many more, and sums up") {
  replication::VerifyReport report;
  report.source_rows = 10;
  report.replica_rows = 9;
  report.missing = 2;
  report.different = 1;
  report.chunks = 1;
  report.chunks_read = 1;
  report.listed = {{replication::DifferenceKind::kMissing, 4, "in the source"},
                   {replication::DifferenceKind::kDifferent, 5, "name differs"}};
  const auto text = replication::formatReport(report);
  CHECK(text.find("missing id=4: in the source") != std::string::npos);
  CHECK(text.find("differs id=5: name differs") != std::string::npos);
  CHECK(text.find("and 1 more") != std::string::npos);
  CHECK(text.find("DIFFERENT: source rows=10 replica rows=9 missing=2 extra=0 different=1") !=
        std::string::npos);
  CHECK_FALSE(report.equal());
  CHECK(replication::formatReport(replication::VerifyReport{}).rfind("EQUAL", 0) == 0);
}
