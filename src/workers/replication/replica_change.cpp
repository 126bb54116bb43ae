#include "workers/replication/replica_change.hpp"

#include "core/json/codec.hpp"
#include "core/text/utf8.hpp"

namespace replication {

namespace {

using core::Error;
using core::ErrorKind;
using core::domain::CrudEventType;

Error invalid(const std::string& message) {
  return Error{ErrorKind::kInvalidArgument, message};
}

// PostgreSQL's timestamptz covers 4713 BC to 294276 AD; keep to years 1..9999
// so that the text form stays ISO 8601.
constexpr std::int64_t kMinMicros = -62135596800LL * 1000000;  // 0001-01-01
constexpr std::int64_t kMaxMicros = 253402300799LL * 1000000;  // 9999-12-31T23:59:59

bool inRange(core::domain::Timestamp ts) {
  return ts.micros_since_epoch >= kMinMicros && ts.micros_since_epoch <= kMaxMicros;
}

}  // namespace

core::Status validateRow(const core::domain::Customer& row) {
  if (row.id < 1) return invalid("after_change.id must be positive");
  if (row.version < 1) return invalid("version must be at least 1");
  const std::pair<const char*, const std::string*> texts[] = {
      {"name", &row.name},
      {"phone", &row.phone},
      {"email", &row.email},
      {"created_by", &row.created_by},
      {"updated_by", &row.updated_by},
  };
  for (const auto& [field, value] : texts) {
    if (!core::text::isStorableText(*value)) {
      return invalid(std::string("after_change.") + field +
                     " is not valid UTF-8 or contains a NUL character");
    }
  }
  if (core::text::codePoints(row.name) > kMaxNameCharacters) {
    return invalid("after_change.name is longer than " + std::to_string(kMaxNameCharacters) +
                   " characters");
  }
  if (!inRange(row.created_on) || !inRange(row.updated_on)) {
    return invalid("after_change timestamps must be between years 1 and 9999");
  }
  return {};
}

core::Result<ReplicaChange> parseChange(const core::kafka::ConsumedMessage& message) {
  auto event = core::json::decodeCrudEvent(message.payload);
  if (!event) return event.error();
  if (!message.key.empty() && message.key != std::to_string(event->aggregate_id)) {
    return invalid("message key '" + message.key + "' is not the aggregate_id " +
                   std::to_string(event->aggregate_id));
  }
  ReplicaChange change;
  change.row = std::move(*event->after_change);
  change.type = event->type;
  change.event_id = std::move(event->id);
  change.outbox_id = event->outbox_id;
  change.event_ts = event->event_ts;
  change.partition = message.partition;
  change.offset = message.offset;
  if (change.event_id.empty() || !core::text::isStorableText(change.event_id)) {
    return invalid("field 'id' must be a non-empty UTF-8 string");
  }
  if (change.type == CrudEventType::kDeleted) {
    // A delete always leaves a tombstone, whatever the payload says.
    change.row.deleted = true;
  } else if (change.row.deleted) {
    return invalid(std::string(core::domain::eventTypeName(change.type)) +
                   " event has after_change.deleted = true");
  }
  if (auto valid = validateRow(change.row); !valid) return valid.error();
  return change;
}

}  // namespace replication
