#include "api/change_events.hpp"

#include "core/db/crud_event_row.hpp"
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
  const auto crud = core::db::crudEvent(type, before, after);
  const auto notification = buildNotification(type, after, crud.id, crud.event_ts);
  return {
      core::db::crudEventRow(crud, after, topics.crud),
      core::db::customerEventRow(after, topics.notification, "notification.email", notification.id,
                                 core::json::encodeNotificationEvent(notification))};
}

}  // namespace api
