#pragma once
// What redrive already moved back, in the notifications database
// (notification_redrive, keyed by the FAILED message's topic, partition and
// offset): a FAILED message is re-driven at most once.

#include <cstdint>
#include <memory>
#include <pqxx/connection>
#include <set>
#include <string>
#include <utility>

#include "core/result.hpp"

namespace notification {

struct FailedPosition {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

class RedriveLog {
 public:
  explicit RedriveLog(std::string database_url);
  ~RedriveLog();
  RedriveLog(const RedriveLog&) = delete;
  RedriveLog& operator=(const RedriveLog&) = delete;

  // kNotFound when migration 0002 was not applied.
  core::Status connect();
  // (partition, offset) of every message of `failed_topic` re-driven before.
  core::Result<std::set<std::pair<std::int32_t, std::int64_t>>> redriven(
      const std::string& failed_topic);
  core::Status record(const FailedPosition& from, const std::string& event_id,
                      const std::string& target_topic);

 private:
  std::string url_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace notification
