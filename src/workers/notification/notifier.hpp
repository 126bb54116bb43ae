#pragma once
// The worker loop. One consumer (manual commits) reads the notification topic
// and the retry topic and hands each event to a lane (mail_lanes: several SMTP
// sessions at once, one customer's events in order on one lane), which
// brings it to a durable outcome (event_handler). Offsets are committed, every
// 100 ms, only up to the last event of a partition that finished with
// everything before it (offset_tracker). A retry event that is not due yet
// pauses its partition (the main topic keeps flowing); the partition is sought
// back to that event's offset and resumed when it is due. Partitions taken
// away in a rebalance are first finished and committed, so the member that
// gets them never sends what this one sent. Database and broker outages are
// waited out with backoff, each state change logged once; stop() lets the
// events in hand finish.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/kafka/consumer.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/readiness.hpp"
#include "core/runtime/retry.hpp"
#include "core/runtime/state_log.hpp"
#include "core/runtime/stop_signal.hpp"
#include "workers/notification/consumer_lag.hpp"
#include "workers/notification/event_forwarder.hpp"
#include "workers/notification/event_handler.hpp"
#include "workers/notification/mail_lanes.hpp"
#include "workers/notification/offset_tracker.hpp"
#include "workers/notification/sent_log.hpp"

namespace notification {

struct NotifierOptions {
  std::string database_url;
  std::string brokers;
  core::kafka::Properties kafka_properties;  // -X overrides, consumer and producer
  std::string group_id = "notification-worker";
  core::kafka::GroupMembership membership;
  std::string topic;
  std::string retry_topic;
  std::string failed_topic;
  RetryPolicy retry;
  int max_recipients = 10;  // To, Cc and Bcc together
  Sender sender;
  std::size_t smtp_sessions = 8;                      // lanes sending at once
  std::chrono::milliseconds delivery_timeout{30000};  // broker acknowledgement of a forward
  std::chrono::milliseconds shutdown_grace{10000};    // recording a sent event while stopping
};

class Notifier {
 public:
  Notifier(NotifierOptions options, const MailLanes::MailSenderFactory& make_sender,
           core::metrics::Registry& metrics);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Runs until stop(); leaves the consumer group cleanly.
  void run();
  void stop();
  // Empty when the database and the brokers answer, else what is wrong.
  std::string problem() const { return readiness_.problem(); }

 private:
  using PartitionKey = OffsetTracker::Partition;
  struct Held {
    std::int64_t offset = 0;
    std::chrono::steady_clock::time_point due;
  };

  bool ensureConsumer();
  void resumeDuePartitions();
  void hold(const core::kafka::ConsumedMessage& message, std::chrono::milliseconds wait);
  int pollTimeoutMs() const;
  void probe();
  void route(const core::kafka::ConsumedMessage& message);
  void submit(const core::kafka::ConsumedMessage& message, std::string invalid_reason = "");
  void finished(const LaneTask& task, Outcome outcome);
  // Commits what finished; at most every 100 ms unless `now`.
  void commitFinished(bool now);
  // Waits (bounded) until no event of `partitions` (empty: of any) is queued
  // or being handled.
  void drain(const std::vector<core::kafka::PartitionOffset>& partitions);
  void dropConsumer(const std::string& why);

  NotifierOptions options_;
  HandlerOptions handling_;
  core::runtime::StopSignal stop_;
  core::runtime::Readiness readiness_{{"database", "kafka"}};
  core::runtime::RetryScope retry_scope_;  // for the lanes: stop_, readiness_ and the grace
  core::runtime::StateLog state_log_;
  NotificationCounters counters_;
  ConsumerLag consumer_lag_;  // refreshed by the probe
  SentLog sent_log_;          // the consumer thread's readiness probe
  EventForwarder forwarder_;
  std::unique_ptr<core::kafka::Consumer> consumer_;
  std::map<PartitionKey, Held> held_;
  std::chrono::steady_clock::time_point last_probe_{};
  std::chrono::steady_clock::time_point last_commit_{};

  mutable std::mutex tracker_mutex_;
  OffsetTracker tracker_;
  std::atomic<int> held_count_{0};
  // Last: its threads use everything above, and stop before it goes.
  std::unique_ptr<MailLanes> lanes_;
};

}  // namespace notification
