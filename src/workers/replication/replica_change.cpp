#include "workers/replication/replica_change.hpp"

#include "core/json/codec.hpp"

namespace replication {

namespace {

using core::Error;
using core::ErrorKind;
using core::domain::CrudEventType;

Error invalid(const std::string& message) {
  return Error{ErrorKind::kInvalidArgument, message};
}

// Number of code points of valid UTF-8 text.
std::size_t characterCount(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// PostgreSQL's timestamptz covers 4713 BC to 294276 AD; keep to years 1..9999
// so that the text form stays ISO 8601.
constexpr std::int64_t kMinMicros = -62135596800LL * 1000000;  // 0001-01-01
constexpr std::int64_t kMaxMicros = 253402300799LL * 1000000;  // 9999-12-31T23:59:59

bool inRange(core::domain::Timestamp ts) {
  return ts.micros_since_epoch >= kMinMicros && ts.micros_since_epoch <= kMaxMicros;
}

}  // namespace

bool isStorableText(const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c == 0) return false;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra = 0;
    std::uint32_t code = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    p += extra + 1;
  }
  return true;
}

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
    if (!isStorableText(*value)) {
      return invalid(std::string("after_change.") + field +
                     " is not valid UTF-8 or contains a NUL character");
    }
  }
  if (characterCount(row.name) > kMaxNameCharacters) {
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
  if (change.event_id.empty() || !isStorableText(change.event_id)) {
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
