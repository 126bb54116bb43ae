#include "workers/notification/sent_log.hpp"

#include <pqxx/pqxx>

#include "core/db/connection_url.hpp"
#include "core/db/errors.hpp"

namespace notification {

using core::Error;
using core::ErrorKind;

namespace {

constexpr const char* kSchemaCheck = "SELECT to_regclass('notification_log') IS NOT NULL";

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

}  // namespace

SentLog::SentLog(std::string database_url) : url_(std::move(database_url)) {}
SentLog::~SentLog() = default;

bool SentLog::connected() const {
  return connection_ && connection_->is_open();
}

void SentLog::disconnect() {
  connection_.reset();
}

core::Status SentLog::connect() {
  if (connected()) return {};
  return core::db::guarded([&]() -> core::Status {
    auto c = std::make_unique<pqxx::connection>(core::db::withConnectTimeout(url_, 5));
    c->set_variable("application_name", "'notification-worker'");
    c->prepare("notification_is_sent", kIsSent);
    c->prepare("notification_record_sent", kRecordSent);
    c->prepare("notification_record_failed", kRecordFailed);
    connection_ = std::move(c);
    return {};
  });
}

template <typename Fn>
core::Status SentLog::run(Fn&& fn) {
  if (auto connected = connect(); !connected) return connected;
  auto status = core::db::guarded([&]() -> core::Status {
    fn(*connection_);
    return {};
  });
  // A broken session is dropped; the next call opens a new one.
  if (!status && (status.error().kind == ErrorKind::kUnavailable || !connection_->is_open())) {
    disconnect();
  }
  return status;
}

core::Status SentLog::checkSchema() {
  bool present = false;
  auto status = run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    present = tx.exec1(kSchemaCheck)[0].as<bool>();
  });
  if (!status) return status;
  if (!present) {
    return Error{ErrorKind::kNotFound,
                 "the database has no notification_log table: apply the sql/notifications "
                 "migrations (pipeline-admin migrate --dir sql/notifications)"};
  }
  return {};
}

core::Result<bool> SentLog::isSent(const std::string& event_id) {
  bool sent = false;
  auto status = run([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    sent = !tx.exec_prepared("notification_is_sent", event_id).empty();
  });
  if (!status) return status.error();
  return sent;
}

core::Status SentLog::recordSent(const core::domain::NotificationEvent& event,
                                 const std::string& recipients, int attempts) {
  return run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_prepared("notification_record_sent", event.id, event.source_event_id, recipients,
                     event.subject, attempts);
    tx.commit();
  });
}

core::Status SentLog::recordFailed(const core::domain::NotificationEvent& event,
                                   const std::string& recipients, int attempts,
                                   const std::string& error) {
  return run([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_prepared("notification_record_failed", event.id, event.source_event_id, recipients,
                     event.subject, attempts, error);
    tx.commit();
  });
}

}  // namespace notification
