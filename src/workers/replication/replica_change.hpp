#pragma once
// One consumed CRUD event turned into the typed change the replica applies,
// or the reason it cannot be applied (then it goes to the dead-letter topic).
// Validation is strict enough that a change that passes can always be stored:
// a bad row must never make a whole batch fail over and over.

#include <cstdint>
#include <string>

#include "core/domain/customer.hpp"
#include "core/domain/events.hpp"
#include "core/kafka/consumer.hpp"
#include "core/result.hpp"

namespace replication {

struct ReplicaChange {
  core::domain::Customer row;  // the state after the change (deleted: a tombstone)
  core::domain::CrudEventType type = core::domain::CrudEventType::kCreated;
  std::string event_id;
  std::int64_t outbox_id = 0;
  core::domain::Timestamp event_ts;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

// The longest name the replica's varchar(400) column takes, in characters.
inline constexpr std::size_t kMaxNameCharacters = 400;

// Decodes and validates one message. kInvalidArgument with a one-line reason
// for anything that must not be applied: bad JSON, a missing or mistyped
// field, an unsupported schema_version, an unknown app_event_type, a key that
// is not the customer id, or a value the replica could not store.
core::Result<ReplicaChange> parseChange(const core::kafka::ConsumedMessage& message);

// The checks on the row alone (exposed for tests).
core::Status validateRow(const core::domain::Customer& row);

}  // namespace replication
