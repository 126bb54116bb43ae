// pgoutput messages built by hand, byte for byte as PostgreSQL 15's pgoutput
// (protocol version 1) writes them: src/backend/replication/logical/proto.c.

#include "outbox/wal_decoder.hpp"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

using outbox::WalDecoder;
using outbox::WalTransaction;

namespace {

// Big-endian writer of one message.
class Message {
 public:
  explicit Message(char kind) { bytes_.push_back(kind); }
  Message& u8(unsigned value) {
    bytes_.push_back(static_cast<char>(value));
    return *this;
  }
  Message& i16(int value) { return integer(static_cast<std::uint64_t>(value), 2); }
  Message& i32(std::int64_t value) { return integer(static_cast<std::uint64_t>(value), 4); }
  Message& i64(std::uint64_t value) { return integer(value, 8); }
  Message& text(const std::string& value) {
    bytes_ += value;
    bytes_.push_back('\0');
    return *this;
  }
  Message& raw(const std::string& value) {
    bytes_ += value;
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  Message& integer(std::uint64_t value, int size) {
    for (int i = size - 1; i >= 0; --i)
      bytes_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    return *this;
  }
  std::string bytes_;
};

const std::vector<std::string> kOutboxColumns = {
    "id",           "topic",    "kafka_key",  "aggregate_type", "aggregate_id", "aggregate_version",
    "event_type",   "payload",  "headers",    "created_at",     "published_at", "kafka_partition",
    "kafka_offset", "attempts", "last_error", "parked_at",      "skipped_at",   "skipped_by",
    "skip_reason"};

std::string begin(std::uint64_t final_lsn = 0x100) {
  return Message('B').i64(final_lsn).i64(0).i32(777).bytes();
}

std::string commit(std::uint64_t commit_lsn, std::uint64_t end_lsn) {
  return Message('C').u8(0).i64(commit_lsn).i64(end_lsn).i64(0).bytes();
}

std::string relation(std::uint32_t oid = 16400,
                     const std::vector<std::string>& columns = kOutboxColumns) {
  Message m('R');
  m.i32(oid).text("public").text("outbox").u8('d').i16(static_cast<int>(columns.size()));
  for (const auto& column : columns) m.u8(column == "id" ? 1 : 0).text(column).i32(25).i32(-1);
  return m.bytes();
}

// An outbox insert: id, customer (key and aggregate id), version; the rest
// fixed. Its values in the order of `columns`, as the Relation named them.
std::string insert(std::int64_t id, std::int64_t customer, int version,
                   const std::vector<std::string>& columns = kOutboxColumns) {
  const std::map<std::string, std::string> values = {
      {"id", std::to_string(id)},
      {"topic", "crud-topic"},
      {"kafka_key", std::to_string(customer)},
      {"aggregate_type", "customer"},
      {"aggregate_id", std::to_string(customer)},
      {"aggregate_version", std::to_string(version)},
      {"event_type", "customer.updated"},
      {"payload", R"({"version": )" + std::to_string(version) + "}"},
      {"headers",
       R"({"event_id": "e-)" + std::to_string(id) + R"(", "event_type": "customer.updated"})"},
      {"created_at", "2026-12-01 12:34:56.5+00"},
      {"attempts", "0"}};  // the others are NULL
  Message m('I');
  m.i32(16400).u8('N').i16(static_cast<int>(columns.size()));
  for (const auto& column : columns) {
    const auto value = values.find(column);
    if (value == values.end()) {
      m.u8('n');
    } else {
      m.u8('t').i32(static_cast<std::int64_t>(value->second.size())).raw(value->second);
    }
  }
  return m.bytes();
}

// Feeds messages; the transactions they completed.
std::vector<WalTransaction> feed(WalDecoder& decoder, const std::vector<std::string>& messages) {
  std::vector<WalTransaction> out;
  for (const auto& message : messages) {
    auto decoded = decoder.decode(message);
    REQUIRE_MESSAGE(decoded.ok(), (decoded.ok() ? std::string() : decoded.error().message));
    if (*decoded) out.push_back(std::move(**decoded));
  }
  return out;
}

}  // namespace

TEST_CASE("wal decoder: a committed transaction gives its outbox rows with every field") {
  WalDecoder decoder;
  const auto done = feed(
      decoder, {begin(), relation(), insert(41, 7, 3), insert(42, 8, 1), commit(0x1F0, 0x200)});
  REQUIRE(done.size() == 1);
  CHECK(done[0].commit_lsn == 0x1F0);
  CHECK(done[0].end_lsn == 0x200);
  REQUIRE(done[0].rows.size() == 2);
  const auto& row = done[0].rows[0];
  CHECK(row.id == 41);
  CHECK(row.topic == "crud-topic");
  CHECK(row.key == "7");
  CHECK(row.aggregate_type == "customer");
  CHECK(row.aggregate_id == 7);
  CHECK(row.aggregate_version == 3);
  CHECK(row.event_type == "customer.updated");
  CHECK(row.payload == R"({"version": 3})");
  REQUIRE(row.headers.size() == 2);
  CHECK(row.headers[0] == std::pair<std::string, std::string>("event_id", "e-41"));
  CHECK(row.created_at_micros == 1796128496500000LL);  // 2026-12-01T12:34:56.5Z
  CHECK(row.attempts == 0);
  CHECK(done[0].rows[1].id == 42);
  CHECK_FALSE(decoder.inTransaction());
}

TEST_CASE("wal decoder: nothing is handed out before the Commit") {
  WalDecoder decoder;
  CHECK(feed(decoder, {begin(), relation(), insert(1, 1, 1)}).empty());
  CHECK(decoder.inTransaction());
  const auto done = feed(decoder, {insert(2, 1, 2), commit(0x10, 0x20)});
  REQUIRE(done.size() == 1);
  CHECK(done[0].rows.size() == 2);
}

TEST_CASE("wal decoder: transactions come out one per Commit, in the order of the commits") {
  WalDecoder decoder;
  // Row 9 was inserted by a transaction that began earlier but committed later.
  const auto done = feed(decoder, {relation(), begin(), insert(10, 2, 1), commit(0x30, 0x38),
                                   begin(), insert(9, 1, 1), commit(0x40, 0x48)});
  REQUIRE(done.size() == 2);
  CHECK(done[0].rows.at(0).id == 10);
  CHECK(done[1].rows.at(0).id == 9);
  CHECK(done[1].end_lsn == 0x48);
}

TEST_CASE("wal decoder: columns are found by name, whatever their order") {
  const std::vector<std::string> reversed(kOutboxColumns.rbegin(), kOutboxColumns.rend());
  WalDecoder decoder;
  const auto done =
      feed(decoder, {begin(), relation(16400, reversed), insert(5, 3, 2, reversed), commit(1, 2)});
  REQUIRE(done.size() == 1);
  REQUIRE(done[0].rows.size() == 1);
  CHECK(done[0].rows[0].id == 5);
  CHECK(done[0].rows[0].aggregate_version == 2);
  CHECK(done[0].rows[0].key == "3");
}

TEST_CASE("wal decoder: Origin, Type and logical messages are skipped") {
  WalDecoder decoder;
  const auto done = feed(decoder, {begin(), Message('O').i64(5).text("origin").bytes(),
                                   Message('Y').i32(99).text("public").text("t").bytes(),
                                   relation(), insert(1, 1, 1), commit(1, 2)});
  REQUIRE(done.size() == 1);
  CHECK(done[0].rows.size() == 1);
}

TEST_CASE("wal decoder: malformed messages are errors that name what is wrong") {
  const auto error = [](const std::vector<std::string>& before, const std::string& bad) {
    WalDecoder decoder;
    feed(decoder, before);
    auto result = decoder.decode(bad);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
  };
  CHECK(error({}, "Z").find("unknown message type 'Z'") != std::string::npos);
  CHECK(error({}, insert(1, 1, 1)).find("outside a transaction") != std::string::npos);
  CHECK(error({begin()}, insert(1, 1, 1)).find("before its Relation") != std::string::npos);
  CHECK(error({}, commit(1, 2)).find("Commit outside") != std::string::npos);
  CHECK(error({}, Message('B').i32(1).bytes()).find("ends too early") != std::string::npos);
  const auto truncated = insert(1, 1, 1).substr(0, 30);
  CHECK(error({begin(), relation()}, truncated).find("ends too early") != std::string::npos);
  CHECK(error({begin(), relation(16400, {"id", "topic"})}, insert(1, 1, 1, {"id", "topic"}))
            .find("no column kafka_key") != std::string::npos);
  CHECK(error({begin(), relation()}, Message('I').i32(16400).u8('N').i16(1).u8('u').bytes())
            .find("unexpected tuple column kind 'u'") != std::string::npos);
}

TEST_CASE("wal decoder: a non-numeric id is an error, not a zero") {
  WalDecoder decoder;
  feed(decoder, {begin(), relation(16400, {"id"})});
  auto bad = Message('I').i32(16400).u8('N').i16(1).u8('t').i32(3).raw("x12").bytes();
  auto result = decoder.decode(bad);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("column id is not an integer: x12") != std::string::npos);
}

TEST_CASE("wal decoder: reset forgets the open transaction and the relations") {
  WalDecoder decoder;
  feed(decoder, {begin(), relation(), insert(1, 1, 1)});
  decoder.reset();
  CHECK_FALSE(decoder.inTransaction());
  feed(decoder, {begin()});
  CHECK_FALSE(decoder.decode(insert(2, 1, 2)).ok());  // its Relation must come again
}

TEST_CASE("wal decoder: timestamps in ISO text with any fraction and offset") {
  using outbox::parsePgTimestamp;
  CHECK(parsePgTimestamp("1970-01-01 00:00:00+00") == 0);
  CHECK(parsePgTimestamp("1970-01-01 00:00:01.000001+00") == 1000001);
  CHECK(parsePgTimestamp("2000-01-01 00:00:00+00") == 946684800LL * 1000000);
  CHECK(parsePgTimestamp("2000-01-01 01:30:00+01:30") == 946684800LL * 1000000);
  CHECK(parsePgTimestamp("1999-12-31 23:00:00-01") == 946684800LL * 1000000);
  CHECK(parsePgTimestamp("2024-02-29 12:00:00.25+00") == 1709208000250000LL);
  CHECK_FALSE(parsePgTimestamp("2024-02-29"));
  CHECK_FALSE(parsePgTimestamp("2024-13-01 00:00:00+00"));
  CHECK_FALSE(parsePgTimestamp("2024-01-01 00:00:00.1234567+00"));
  CHECK_FALSE(parsePgTimestamp("2024-01-01 00:00:00+0x"));
}

TEST_CASE("wal decoder: LSNs print and parse as PostgreSQL writes them") {
  CHECK(outbox::formatLsn(0x16B374D848ULL) == "16/B374D848");
  CHECK(outbox::formatLsn(0) == "0/0");
  CHECK(outbox::parseLsn("16/B374D848") == 0x16B374D848ULL);
  CHECK(outbox::parseLsn("0/0") == 0ULL);
  CHECK_FALSE(outbox::parseLsn("16B374D848"));
  CHECK_FALSE(outbox::parseLsn("16/"));
  CHECK_FALSE(outbox::parseLsn("G/1"));
}
