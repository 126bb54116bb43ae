#pragma once
// A customer's event history as the web UI shows it: each CRUD event from the
// outbox with what changed, when it was committed and published (partition,
// offset), and the e-mails it caused with their state. Pure: the rows come
// from pipeline_views.cpp, the answer is JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/customer.hpp"
#include "core/domain/timestamp.hpp"

namespace api {

// Where an outbox row is on its way to Kafka.
struct Delivery {
  core::domain::Timestamp committed_at;
  std::optional<core::domain::Timestamp> published_at;
  std::optional<std::int32_t> partition;
  std::optional<std::int64_t> offset;
  bool parked = false;
  bool skipped = false;  // an operator gave up on the parked row
  int attempts = 0;      // refused deliveries so far
  std::string last_error;
};

// "published", "skipped", "parked", "retrying" (refused, to be tried again)
// or "pending".
std::string deliveryState(const Delivery& delivery);

struct EmailRecord {
  std::int64_t outbox_id = 0;
  std::string event_id;
  std::string source_event_id;  // the CRUD event that caused it
  Delivery delivery;
  // From the notification worker's log, when it has a row for the event.
  std::optional<std::string> log_status;  // "sent" or "failed"
  int log_attempts = 0;
  std::string log_error;
  std::optional<core::domain::Timestamp> log_updated_at;
};

// "sent" or "failed" (the worker's log), "queued" (on the topic, not yet
// handled), "unknown" (published, but the API cannot read the worker's log),
// else the outbox row's delivery state.
std::string emailState(const EmailRecord& email, bool log_known);

struct HistoryEvent {
  std::int64_t outbox_id = 0;
  std::string event_id;
  std::string event_type;
  std::int32_t version = 0;
  Delivery delivery;
  std::optional<core::domain::Customer> before;
  std::optional<core::domain::Customer> after;
  std::string payload_error;  // the payload could not be read (before/after are then empty)
  std::vector<EmailRecord> emails;
};

// The fields a user edits, in display order, whose value differs between
// before and after; every one of them (and "deleted" when set) for a create.
std::vector<std::string> changedFields(const std::optional<core::domain::Customer>& before,
                                       const std::optional<core::domain::Customer>& after);

// {"customer_id":…,"emails_known":…,"events":[…]} with the newest event first.
std::string encodeHistory(std::int64_t customer_id, const std::vector<HistoryEvent>& events,
                          bool log_known);

}  // namespace api
