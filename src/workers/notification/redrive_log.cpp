#include "workers/notification/redrive_log.hpp"

#include <pqxx/pqxx>

#include "core/db/connection_url.hpp"
#include "core/db/errors.hpp"

namespace notification {

using core::Error;
using core::ErrorKind;

namespace {

constexpr const char* kSchemaCheck = "SELECT to_regclass('notification_redrive') IS NOT NULL";

constexpr const char* kRedriven =
    "SELECT failed_partition, failed_offset FROM notification_redrive WHERE failed_topic = $1";

constexpr const char* kRecord =
    "INSERT INTO notification_redrive (failed_topic, failed_partition, failed_offset, event_id, "
    "target_topic) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";

}  // namespace

RedriveLog::RedriveLog(std::string database_url) : url_(std::move(database_url)) {}
RedriveLog::~RedriveLog() = default;

core::Status RedriveLog::connect() {
  if (connection_ && connection_->is_open()) return {};
  bool present = false;
  auto status = core::db::guarded([&]() -> core::Status {
    auto c = std::make_unique<pqxx::connection>(core::db::withConnectTimeout(url_, 5));
    c->set_variable("application_name", "'notification-worker redrive'");
    {
      pqxx::nontransaction tx(*c);
      present = tx.exec1(kSchemaCheck)[0].as<bool>();
    }
    c->prepare("notification_redriven", kRedriven);
    c->prepare("notification_record_redrive", kRecord);
    connection_ = std::move(c);
    return {};
  });
  if (!status) return status;
  if (!present) {
    connection_.reset();
    return Error{ErrorKind::kNotFound,
                 "the database has no notification_redrive table: apply the sql/notifications "
                 "migrations (pipeline-admin migrate --dir sql/notifications)"};
  }
  return {};
}

core::Result<std::set<std::pair<std::int32_t, std::int64_t>>> RedriveLog::redriven(
    const std::string& failed_topic) {
  if (auto connected = connect(); !connected) return connected.error();
  std::set<std::pair<std::int32_t, std::int64_t>> out;
  auto status = core::db::guarded([&]() -> core::Status {
    pqxx::nontransaction tx(*connection_);
    for (const auto& row : tx.exec_prepared("notification_redriven", failed_topic)) {
      out.emplace(row[0].as<std::int32_t>(), row[1].as<std::int64_t>());
    }
    return {};
  });
  if (!status) return status.error();
  return out;
}

core::Status RedriveLog::record(const FailedPosition& from, const std::string& event_id,
                                const std::string& target_topic) {
  if (auto connected = connect(); !connected) return connected;
  auto status = core::db::guarded([&]() -> core::Status {
    pqxx::work tx(*connection_);
    tx.exec_prepared("notification_record_redrive", from.topic, from.partition, from.offset,
                     event_id, target_topic);
    tx.commit();
    return {};
  });
  if (!status && status.error().kind == ErrorKind::kUnavailable) connection_.reset();
  return status;
}

}  // namespace notification
