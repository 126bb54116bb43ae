#pragma once
// The worker's memory in its own database (notifications): one row per event
// id in notification_log. An event whose row says 'sent' is never sent again;
// 'failed' rows record what went to the FAILED topic (a re-driven event that is
// then sent becomes 'sent'). One connection, re-opened after it broke; errors
// are values (kUnavailable when the database is away).

#include <string>

#include "core/db/session.hpp"
#include "core/domain/events.hpp"
#include "core/result.hpp"

namespace notification {

class SentLog {
 public:
  explicit SentLog(std::string database_url);
  ~SentLog();
  SentLog(const SentLog&) = delete;
  SentLog& operator=(const SentLog&) = delete;

  // kNotFound when the notifications migrations were not applied.
  core::Status checkSchema();
  core::Result<bool> isSent(const std::string& event_id);
  core::Status recordSent(const core::domain::NotificationEvent& event,
                          const std::string& recipients, int attempts);
  // Leaves a 'sent' row alone.
  core::Status recordFailed(const core::domain::NotificationEvent& event,
                            const std::string& recipients, int attempts, const std::string& error);

 private:
  core::db::Session session_;
};

}  // namespace notification
