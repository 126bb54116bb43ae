#include "api/change_events.hpp"

#include "core/json/codec.hpp"

namespace api {

using core::domain::CrudEventType;

namespace {

const char* subjectFor(CrudEventType type) {
  switch (type) {
    case CrudEventType::kCreated: return "Your record has been created";
    case CrudEventType::kUpdated: return "Your information has been updated";
    case CrudEventType::kDeleted: return "Your record has been deleted";
  }
  return "Your record has changed";
}

// The outbox row of one event about `after`, keyed by the customer's id.
core::db::OutboxRow outboxRow(const core::domain::Customer& after, std::string topic,
                              std::string event_type, const std::string& event_id,
                              std::string payload) {
  core::db::OutboxRow row;
  row.topic = std::move(topic);
  row.key = std::to_string(after.id);
  row.aggregate_type = "customer";
  row.aggregate_id = after.id;
  row.aggregate_version = after.version;
  row.headers = core::db::eventHeaders(event_id, event_type);
  row.event_type = std::move(event_type);
  row.payload = std::move(payload);
  return row;
}

}  // namespace

std::string escapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

core::domain::NotificationEvent buildNotification(CrudEventType type,
                                                  const core::domain::Customer& customer,
                                                  const std::string& source_event_id,
                                                  core::domain::Timestamp event_ts) {
  core::domain::NotificationEvent n;
  n.id = core::domain::newUuid();
  n.event_ts = event_ts;
  n.source_event_id = source_event_id;
  n.subject = subjectFor(type);
  n.text_msg = "Dear " + customer.name + ",\n\n" + n.subject + ".\n\nName: " + customer.name +
               "\nPhone: " + customer.phone + "\nE-mail: " + customer.email + "\n";
  n.html_msg = "<html><body><p>Dear " + escapeHtml(customer.name) + ",</p><p>" + n.subject +
               ".</p><table><tr><th>Name</th><td>" + escapeHtml(customer.name) +
               "</td></tr><tr><th>Phone</th><td>" + escapeHtml(customer.phone) +
               "</td></tr><tr><th>E-mail</th><td>" + escapeHtml(customer.email) +
               "</td></tr></table></body></html>";
  n.notify_to = customer.email;
  return n;
}

ChangeEvents buildChangeEvents(CrudEventType type,
                               const std::optional<core::domain::Customer>& before,
                               const core::domain::Customer& after, const EventTopics& topics) {
  core::domain::CrudEvent crud;
  crud.id = core::domain::newUuid();
  crud.type = type;
  crud.event_ts = after.updated_on;
  crud.aggregate_id = after.id;
  crud.version = after.version;
  crud.before_change = before;
  crud.after_change = after;

  const auto notification = buildNotification(type, after, crud.id, crud.event_ts);
  return {outboxRow(after, topics.crud, core::domain::eventTypeName(type), crud.id,
                    core::json::encodeCrudEvent(crud)),
          outboxRow(after, topics.notification, "notification.email", notification.id,
                    core::json::encodeNotificationEvent(notification))};
}

}  // namespace api
