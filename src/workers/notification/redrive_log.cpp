#include "workers/notification/redrive_log.hpp"

#include <pqxx/pqxx>

#include "core/db/schema_check.hpp"

namespace notification {

namespace {

constexpr const char* kRedriven =
    "SELECT failed_partition, failed_offset, event_id FROM notification_redrive "
    "WHERE failed_topic = $1";

constexpr const char* kRecord =
    "INSERT INTO notification_redrive (failed_topic, failed_partition, failed_offset, event_id, "
    "target_topic) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";

core::db::SessionOptions sessionOptions(std::string url) {
  core::db::SessionOptions options;
  options.url = std::move(url);
  options.application_name = "notification-worker redrive";
  options.on_connect = [](pqxx::connection& c) {
    return core::db::requireTable(c, "notification_redrive", "sql/notifications");
  };
  options.statements = {{"notification_redriven", kRedriven},
                        {"notification_record_redrive", kRecord}};
  return options;
}

}  // namespace

RedriveLog::RedriveLog(std::string database_url)
    : session_(sessionOptions(std::move(database_url))) {}
RedriveLog::~RedriveLog() = default;

core::Result<std::set<RedrivenMessage>> RedriveLog::redriven(const std::string& failed_topic) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::set<RedrivenMessage>> {
    pqxx::nontransaction tx(c);
    std::set<RedrivenMessage> out;
    for (const auto& row : tx.exec_prepared("notification_redriven", failed_topic)) {
      out.emplace(row[0].as<std::int32_t>(), row[1].as<std::int64_t>(), row[2].c_str());
    }
    return out;
  });
}

core::Status RedriveLog::record(const FailedPosition& from, const std::string& event_id,
                                const std::string& target_topic) {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::work tx(c);
    tx.exec_prepared("notification_record_redrive", from.topic, from.partition, from.offset,
                     event_id, target_topic);
    tx.commit();
    return {};
  });
}

}  // namespace notification
