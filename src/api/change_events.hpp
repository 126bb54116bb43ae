#pragma once
// The events a customer change causes: one CRUD event and one e-mail
// notification, as the outbox rows that carry them. Pure: no I/O.

#include <optional>
#include <string>

#include "core/db/outbox_row.hpp"
#include "core/domain/customer.hpp"
#include "core/domain/events.hpp"

namespace api {

// The database assigns each row its id and created_at; the CRUD payload gets
// its outbox_id from the database too (sql/customers/0002_outbox.sql).
struct ChangeEvents {
  core::db::OutboxRow crud;
  core::db::OutboxRow notification;
};

struct EventTopics {
  std::string crud = core::domain::kCustomerUpdatesTopic;
  std::string notification = core::domain::kNotificationTopic;
};

// before is empty for a create; after is the row as committed.
ChangeEvents buildChangeEvents(core::domain::CrudEventType type,
                               const std::optional<core::domain::Customer>& before,
                               const core::domain::Customer& after, const EventTopics& topics);

// The e-mail of a change: subject, text and HTML bodies (escaped).
core::domain::NotificationEvent buildNotification(core::domain::CrudEventType type,
                                                  const core::domain::Customer& customer,
                                                  const std::string& source_event_id,
                                                  core::domain::Timestamp event_ts);

std::string escapeHtml(const std::string& text);

}  // namespace api
