#pragma once
// One event to a durable outcome, on one lane (its own SMTP session and its
// own sent-log connection):
//   already in the sent log  -> skipped (counted)
//   sent                     -> recorded in the sent log
//   transient failure        -> retry topic (retries+1, retryLog, not_before),
//                               acknowledged by the broker
//   permanent failure or the attempt limit -> FAILED topic with the retry log
// kNotDone only when the worker stops before the outcome is durable: then
// the offset is not committed and the event comes again.

#include <memory>
#include <random>
#include <string>

#include "core/kafka/consumer.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/retry.hpp"
#include "workers/notification/event_forwarder.hpp"
#include "workers/notification/mail_composer.hpp"
#include "workers/notification/retry_policy.hpp"
#include "workers/notification/sent_log.hpp"
#include "workers/notification/smtp_client.hpp"

namespace notification {

struct HandlerOptions {
  std::string retry_topic;
  std::string failed_topic;
  RetryPolicy retry;
  int max_recipients = 10;  // To, Cc and Bcc together
  Sender sender;
};

// The counters every lane adds to.
struct NotificationCounters {
  explicit NotificationCounters(core::metrics::Registry& metrics);
  core::metrics::Counter& sent;
  core::metrics::Counter& retried;
  core::metrics::Counter& failed_permanent;
  core::metrics::Counter& failed_exhausted;
  core::metrics::Counter& failed_invalid;
  core::metrics::Counter& skipped;
  core::metrics::Histogram& smtp_seconds;
  core::metrics::Histogram& commit_to_sent_seconds;
};

enum class Outcome { kDone, kNotDone };

class EventHandler {
 public:
  EventHandler(const HandlerOptions& options, std::unique_ptr<MailSender> mail,
               const std::string& database_url, EventForwarder& forwarder,
               const core::runtime::RetryScope& scope, NotificationCounters& counters);

  Outcome handle(const core::kafka::ConsumedMessage& message);
  // A message that is not an event this worker can handle: to FAILED as it is.
  Outcome forwardInvalid(const core::kafka::ConsumedMessage& message, const std::string& error);

 private:
  Outcome handleFailure(core::domain::NotificationEvent event,
                        const core::kafka::ConsumedMessage& message, const std::string& recipients,
                        FailureClass failure, const std::string& error);

  const HandlerOptions& options_;
  std::unique_ptr<MailSender> mail_;
  SentLog sent_log_;
  EventForwarder& forwarder_;
  const core::runtime::RetryScope& scope_;
  NotificationCounters& counters_;
  std::mt19937_64 random_;
};

// "topic/partition@offset", for logs and headers.
std::string positionOf(const core::kafka::ConsumedMessage& message);

}  // namespace notification
