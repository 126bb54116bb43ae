#pragma once
// What redrive already moved back, in the notifications database
// (notification_redrive, keyed by the FAILED message's topic, partition,
// offset and event id): a FAILED message is re-driven at most once. The event
// id belongs to the key because offsets start again at 0 on a recreated topic
// or a new cluster, where a position alone would name another message.

#include <cstdint>
#include <set>
#include <string>
#include <tuple>

#include "core/db/session.hpp"
#include "core/result.hpp"

namespace notification {

// A FAILED message re-driven before: partition, offset and event id.
using RedrivenMessage = std::tuple<std::int32_t, std::int64_t, std::string>;

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

  // Each call opens the session when needed: kNotFound when migration 0002
  // was not applied, kUnavailable when the database is away.
  // Every message of `failed_topic` re-driven before.
  core::Result<std::set<RedrivenMessage>> redriven(const std::string& failed_topic);
  core::Status record(const FailedPosition& from, const std::string& event_id,
                      const std::string& target_topic);

 private:
  core::db::Session session_;
};

}  // namespace notification
