#pragma once
// The worker loop. One consumer (manual commits) reads the notification topic
// and the retry topic; each event is handled to a durable outcome before its
// offset is committed:
//   already in the sent log  -> skipped (counted)
//   sent                     -> recorded in the sent log, then committed
//   transient failure        -> retry topic (retries+1, retryLog, not_before),
//                               acknowledged by the broker, then committed
//   permanent failure or the attempt limit -> FAILED topic with the retry log
// A retry event that is not due yet pauses its partition (the main topic keeps
// flowing), the partition is sought back to that event's offset and resumed
// when it is due. Database and broker outages are waited out with backoff,
// each state change logged once; stop() lets the event in hand finish.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>

#include "core/kafka/consumer.hpp"
#include "core/metrics/registry.hpp"
#include "workers/notification/event_forwarder.hpp"
#include "workers/notification/mail_composer.hpp"
#include "workers/notification/retry_policy.hpp"
#include "workers/notification/sent_log.hpp"
#include "workers/notification/smtp_client.hpp"

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
  std::chrono::milliseconds delivery_timeout{30000};  // broker acknowledgement of a forward
  std::chrono::milliseconds shutdown_grace{10000};    // recording a sent event while stopping
};

class Notifier {
 public:
  Notifier(NotifierOptions options, MailSender& mail, core::metrics::Registry& metrics);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Runs until stop(); leaves the consumer group cleanly.
  void run();
  void stop();
  // Empty when the database and the brokers answer, else what is wrong.
  std::string problem() const;

 private:
  using PartitionKey = std::pair<std::string, std::int32_t>;
  struct Held {
    std::int64_t offset = 0;
    std::chrono::steady_clock::time_point due;
  };
  enum class Outcome { kDone, kNotDone };

  bool ensureConsumer();
  void resumeDuePartitions();
  void hold(const core::kafka::ConsumedMessage& message, std::chrono::milliseconds wait);
  int pollTimeoutMs() const;
  void probe();

  Outcome handle(const core::kafka::ConsumedMessage& message);
  Outcome handleFailure(core::domain::NotificationEvent event,
                        const core::kafka::ConsumedMessage& message, const std::string& recipients,
                        FailureClass failure, const std::string& error);
  Outcome forwardInvalid(const core::kafka::ConsumedMessage& message, const std::string& error);
  // Retries a database or broker step with backoff until it succeeds. False
  // when stopping, or with `must_finish` when stopping and the shutdown grace
  // period passed too.
  template <typename Fn>
  bool persist(const char* component, Fn&& step, bool must_finish = false);
  void dropConsumer(const std::string& why);
  void commit(const core::kafka::ConsumedMessage& message);

  void noteState(const std::string& state);
  void setProblem(const char* component, const std::string& problem);
  void sleepFor(std::chrono::milliseconds duration);

  NotifierOptions options_;
  MailSender& mail_;
  SentLog sent_log_;
  EventForwarder forwarder_;
  std::unique_ptr<core::kafka::Consumer> consumer_;
  std::map<PartitionKey, Held> held_;
  std::mt19937_64 random_;
  std::chrono::steady_clock::time_point last_probe_{};

  std::atomic<bool> stopping_{false};
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::string state_;
  mutable std::mutex problem_mutex_;
  std::map<std::string, std::string> problems_;  // component -> problem

  core::metrics::Counter& sent_;
  core::metrics::Counter& retried_;
  core::metrics::Counter& failed_permanent_;
  core::metrics::Counter& failed_exhausted_;
  core::metrics::Counter& failed_invalid_;
  core::metrics::Counter& skipped_;
  core::metrics::Histogram& smtp_seconds_;
  std::atomic<int> held_count_{0};
};

}  // namespace notification
