#pragma once
// The two event kinds of the pipeline, wire-compatible with the reference
// implementation (see docs in DESIGN.md "Event formats").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/customer.hpp"
#include "core/domain/timestamp.hpp"

namespace core::domain {

inline constexpr const char* kCustomerUpdatesTopic = "MICROSERVICE-CUSTOMER-UPDATES";
inline constexpr const char* kCustomerUpdatesDeadLetterTopic = "MICROSERVICE-CUSTOMER-UPDATES-DLQ";
inline constexpr const char* kNotificationTopic = "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION";
inline constexpr const char* kNotificationRetryTopic =
    "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION-RETRY";
inline constexpr const char* kNotificationFailedTopic =
    "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION-FAILED";
// Every topic of the pipeline under its default name: what `pipeline-admin
// create-topics` creates when no --topic is given (the setup scripts and the
// compose init job rely on that, so the list lives here only).
inline constexpr const char* kPipelineTopics[] = {
    kCustomerUpdatesTopic, kCustomerUpdatesDeadLetterTopic, kNotificationTopic,
    kNotificationRetryTopic, kNotificationFailedTopic};
inline constexpr int kCrudSchemaVersion = 1;

// The reference's app_event_type codes.
enum class CrudEventType : int { kCreated = 100, kUpdated = 200, kDeleted = 300 };

const char* eventTypeName(CrudEventType type);  // "customer.created", ...
std::optional<CrudEventType> crudEventTypeFromCode(int code);

struct CrudEvent {
  std::string id;  // uuid
  CrudEventType type = CrudEventType::kCreated;
  Timestamp event_ts;
  int schema_version = kCrudSchemaVersion;
  std::int64_t aggregate_id = 0;
  std::int32_t version = 0;
  std::int64_t outbox_id = 0;  // 0 until the outbox row exists
  std::optional<Customer> before_change;
  std::optional<Customer> after_change;
};

struct NotificationEvent {
  std::string id;  // uuid
  Timestamp event_ts;
  std::string source_event_id;
  std::string subject;
  std::string text_msg;
  std::string html_msg;
  // Comma-separated address lists, as the reference sends them; the codec also
  // reads JSON arrays.
  std::string notify_to;
  std::string notify_cc;
  std::string notify_bcc;
  int retries = 0;
  std::vector<std::string> retry_log;
  std::optional<Timestamp> not_before;
};

// A random (version 4) UUID in its 36-character text form.
std::string newUuid();

}  // namespace core::domain
