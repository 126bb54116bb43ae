#include "workers/notification/sent_log.hpp"

#include <pqxx/pqxx>

#include "core/db/schema_check.hpp"

namespace notification {

namespace {

constexpr const char* kIsSent =
    "SELECT 1 FROM notification_log WHERE event_id = $1 AND status = 'sent'";

constexpr const char* kRecordSent =
    "INSERT INTO notification_log (event_id, source_event_id, recipients, subject, status, "
    "attempts) VALUES ($1, $2, $3, $4, 'sent', $5) "
    "ON CONFLICT (event_id) DO UPDATE SET status = 'sent', attempts = EXCLUDED.attempts, "
    "last_error = NULL, updated_at = now()";

constexpr const char* kRecordFailed =
    "INSERT INTO notification_log (event_id, source_event_id, recipients, subject, status, "
    "attempts, last_error) VALUES ($1, $2, $3, $4, 'failed', $5, $6) "
    "ON CONFLICT (event_id) DO UPDATE SET status = 'failed', attempts = EXCLUDED.attempts, "
    "last_error = EXCLUDED.last_error, updated_at = now() "
    "WHERE notification_log.status <> 'sent'";

core::db::SessionOptions sessionOptions(std::string url) {
  core::db::SessionOptions options;
  options.url = std::move(url);
  options.application_name = "notification-worker";
  options.statements = {{"notification_is_sent", kIsSent},
                        {"notification_record_sent", kRecordSent},
                        {"notification_record_failed", kRecordFailed}};
  return options;
}

}  // namespace

SentLog::SentLog(std::string database_url) : session_(sessionOptions(std::move(database_url))) {}
SentLog::~SentLog() = default;

core::Status SentLog::checkSchema() {
  return session_.run([](pqxx::connection& c) {
    return core::db::requireTable(c, "notification_log", "sql/notifications");
  });
}

core::Result<bool> SentLog::isSent(const std::string& event_id) {
  return session_.run([&](pqxx::connection& c) -> core::Result<bool> {
    pqxx::nontransaction tx(c);
    return !tx.exec_prepared("notification_is_sent", event_id).empty();
  });
}

core::Status SentLog::recordSent(const core::domain::NotificationEvent& event,
                                 const std::string& recipients, int attempts) {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::work tx(c);
    tx.exec_prepared("notification_record_sent", event.id, event.source_event_id, recipients,
                     event.subject, attempts);
    tx.commit();
    return {};
  });
}

core::Status SentLog::recordFailed(const core::domain::NotificationEvent& event,
                                   const std::string& recipients, int attempts,
                                   const std::string& error) {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::work tx(c);
    tx.exec_prepared("notification_record_failed", event.id, event.source_event_id, recipients,
                     event.subject, attempts, error);
    tx.commit();
    return {};
  });
}

}  // namespace notification
