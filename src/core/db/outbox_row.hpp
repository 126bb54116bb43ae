#pragma once
// The outbox row's shape, in one place for the side that writes it
// (customer-api) and the side that reads it (outbox-relay): the row type, the
// column lists their statements share, and the JSON form of the event
// headers. The table itself: sql/customers/0002_outbox.sql and later files.

#include <cstdint>
#include <pqxx/row>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace core::db {

// Kafka headers, in the order they are sent.
using OutboxHeaders = std::vector<std::pair<std::string, std::string>>;

struct OutboxRow {
  std::int64_t id = 0;
  std::string topic;
  std::string key;  // kafka_key: the aggregate id, as text
  std::string aggregate_type;
  std::int64_t aggregate_id = 0;
  std::int32_t aggregate_version = 0;
  std::string event_type;
  std::string payload;  // JSON text
  OutboxHeaders headers;
  std::int64_t created_at_micros = 0;  // since the epoch: exact, no time-zone parsing
  int attempts = 0;                    // failed deliveries so far
};

// The select list readOutboxRow() reads, in its order. Unqualified, so that a
// statement may give the table any alias. Macros, not constants, so that
// statements stay compile-time literals ("SELECT " OUTBOX_ROW_COLUMNS " FROM …").
#define OUTBOX_ROW_COLUMNS                                                              \
  "id, topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, event_type, " \
  "payload::text, headers::text, (extract(epoch FROM created_at) * 1000000)::bigint, "  \
  "attempts"
inline constexpr int kOutboxRowColumnCount = 11;

// What an INSERT names; the rest (id, created_at, the relay's columns) has defaults.
#define OUTBOX_INSERT_COLUMNS                                                                \
  "topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, event_type, payload, " \
  "headers"

// Reads the OUTBOX_ROW_COLUMNS that start at column `first` of `row`.
OutboxRow readOutboxRow(const pqxx::row& row, int first = 0);

// The headers every event carries: its id (consumers drop repeats by it) and its type.
inline constexpr const char* kEventIdHeader = "event_id";
inline constexpr const char* kEventTypeHeader = "event_type";
OutboxHeaders eventHeaders(const std::string& event_id, const std::string& event_type);

// The headers column is a JSON object of strings.
std::string encodeHeaders(const OutboxHeaders& headers);
// The reverse; members that are not strings are left out, and text that is
// not a JSON object gives no headers (the row is still published).
OutboxHeaders parseHeaders(std::string_view json);

}  // namespace core::db
