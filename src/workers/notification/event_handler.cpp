#include "workers/notification/event_handler.hpp"

#include <spdlog/spdlog.h>

#include "core/json/codec.hpp"
#include "core/logging/logging.hpp"
#include "workers/notification/notification_event.hpp"

namespace notification {

using Clock = std::chrono::steady_clock;

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

core::kafka::OutgoingMessage outgoing(const std::string& topic,
                                      const core::kafka::ConsumedMessage& from, std::string payload,
                                      const std::string& failure) {
  core::kafka::OutgoingMessage out;
  out.topic = topic;
  out.key = from.key;
  out.payload = std::move(payload);
  for (const auto& header : from.headers) {
    if (header.first.rfind("notification-", 0) != 0) out.headers.push_back(header);
  }
  out.headers.emplace_back("notification-origin", positionOf(from));
  if (!failure.empty()) out.headers.emplace_back("notification-failure", failure);
  return out;
}

}  // namespace

std::string positionOf(const core::kafka::ConsumedMessage& m) {
  return m.topic + "/" + std::to_string(m.partition) + "@" + std::to_string(m.offset);
}

NotificationCounters::NotificationCounters(core::metrics::Registry& metrics)
    : sent(metrics.counter("notification_sent_total", "E-mails the SMTP server accepted")),
      retried(metrics.counter("notification_retried_total",
                              "Events moved to the retry topic after a transient failure")),
      failed_permanent(metrics.counter("notification_failed_total",
                                       "Events moved to the FAILED topic, by reason",
                                       {{"reason", "permanent"}})),
      failed_exhausted(metrics.counter("notification_failed_total",
                                       "Events moved to the FAILED topic, by reason",
                                       {{"reason", "attempts_exhausted"}})),
      failed_invalid(metrics.counter("notification_failed_total",
                                     "Events moved to the FAILED topic, by reason",
                                     {{"reason", "invalid_event"}})),
      skipped(metrics.counter("notification_duplicates_skipped_total",
                              "Redelivered events found in the sent log and not sent again")),
      smtp_seconds(metrics.histogram("notification_smtp_duration_seconds",
                                     "Time to hand one e-mail to the SMTP server")),
      // Up to an hour: a backlog or a retry after a long backoff shows here.
      commit_to_sent_seconds(metrics.histogram(
          "notification_commit_to_sent_seconds",
          "From the event's event_ts (the change's commit) to the SMTP server's acceptance", {},
          [] {
            auto buckets = core::metrics::fineLatencyBuckets();
            buckets.insert(buckets.end(), {30, 60, 300, 900, 3600});
            return buckets;
          }())) {}

EventHandler::EventHandler(const HandlerOptions& options, std::unique_ptr<MailSender> mail,
                           const std::string& database_url, EventForwarder& forwarder,
                           const core::runtime::RetryScope& scope, NotificationCounters& counters)
    : options_(options),
      mail_(std::move(mail)),
      sent_log_(database_url),
      forwarder_(forwarder),
      scope_(scope),
      counters_(counters),
      random_(std::random_device{}()) {}

Outcome EventHandler::handle(const core::kafka::ConsumedMessage& message) {
  auto parsed = parseNotificationEvent(message.payload);
  if (!parsed) return forwardInvalid(message, parsed.error().message);
  core::domain::NotificationEvent event = std::move(parsed).value();
  if (event.retries < 0) event.retries = 0;
  const int attempt = event.retries + 1;

  auto recipients = recipientsOf(event, static_cast<std::size_t>(options_.max_recipients));
  if (!recipients) {
    const std::string listed = event.notify_to;
    return handleFailure(std::move(event), message, listed, FailureClass::kPermanent,
                         recipients.error().message);
  }
  const std::string recipient_list = joined(recipients->envelope);

  bool already_sent = false;
  const bool checked = core::runtime::retryUntilDone(scope_, "database", [&]() -> core::Status {
    auto sent = sent_log_.isSent(event.id);
    if (!sent) return sent.error();
    already_sent = *sent;
    return {};
  });
  if (!checked) return Outcome::kNotDone;
  if (already_sent) {
    counters_.skipped.increment();
    spdlog::info("event_id={} was sent before; skipped ({})", event.id, positionOf(message));
    return Outcome::kDone;
  }

  const auto now = core::domain::Timestamp::now();
  const auto mail =
      composeMail(event, *recipients, options_.sender, now.micros_since_epoch / 1000000);
  const auto started = Clock::now();
  const SendResult result = mail_->send(mail.envelope, mail.message);
  counters_.smtp_seconds.observe(std::chrono::duration<double>(Clock::now() - started).count());
  if (!result.ok) {
    const auto failure = classify(result);
    return handleFailure(std::move(event), message, recipient_list, failure, result.error);
  }

  counters_.sent.increment();
  counters_.commit_to_sent_seconds.observe(
      static_cast<double>(core::domain::Timestamp::now().micros_since_epoch -
                          event.event_ts.micros_since_epoch) /
      1e6);
  // The crash window: the server has the mail, the log does not have it yet.
  const bool recorded = core::runtime::retryUntilDone(
      scope_, "database", [&]() { return sent_log_.recordSent(event, recipient_list, attempt); },
      core::runtime::OnStop::kFinish);
  if (!recorded) {
    spdlog::error(
        "event_id={} was sent but could not be recorded before shutdown; it will be "
        "sent again when it is redelivered",
        event.id);
    return Outcome::kNotDone;
  }
  // A line per mail is debug: at 1,000 mails/s info would be a flood.
  // Addresses are personal data and never reach info.
  spdlog::debug("event_id={} sent to {} (attempt {})", event.id, recipient_list, attempt);
  return Outcome::kDone;
}

Outcome EventHandler::handleFailure(core::domain::NotificationEvent event,
                                    const core::kafka::ConsumedMessage& message,
                                    const std::string& recipients, FailureClass failure,
                                    const std::string& error) {
  const int attempt = event.retries + 1;
  const auto now = core::domain::Timestamp::now();
  event.retry_log.push_back(retryLogEntry(attempt, now, error));
  event.retries = attempt;

  if (nextStep(options_.retry, attempt, failure) == NextStep::kRetry) {
    const auto delay = backoffDelay(options_.retry, attempt, random_);
    event.not_before = core::domain::Timestamp{now.micros_since_epoch + delay.count() * 1000};
    const auto out =
        outgoing(options_.retry_topic, message, core::json::encodeNotificationEvent(event),
                 failureClassName(failure));
    if (!core::runtime::retryUntilDone(scope_, "kafka", [&]() { return forwarder_.forward(out); }))
      return Outcome::kNotDone;
    counters_.retried.increment();
    spdlog::warn("event_id={} attempt {} failed ({}): {}; retry in {} ms", event.id, attempt,
                 failureClassName(failure), error, delay.count());
    return Outcome::kDone;
  }

  event.not_before.reset();
  const bool exhausted = failure == FailureClass::kTransient;
  const auto out =
      outgoing(options_.failed_topic, message, core::json::encodeNotificationEvent(event),
               exhausted ? "attempts_exhausted" : "permanent");
  if (!core::runtime::retryUntilDone(scope_, "kafka", [&]() { return forwarder_.forward(out); }))
    return Outcome::kNotDone;
  (exhausted ? counters_.failed_exhausted : counters_.failed_permanent).increment();
  spdlog::error("event_id={} failed for good after {} attempt(s) ({}): {}", event.id, attempt,
                exhausted ? "attempt limit reached" : "permanent failure", error);
  if (auto recorded = sent_log_.recordFailed(event, recipients, attempt, error); !recorded) {
    spdlog::warn("event_id={} could not be recorded as failed: {}", event.id,
                 recorded.error().message);
  }
  return Outcome::kDone;
}

Outcome EventHandler::forwardInvalid(const core::kafka::ConsumedMessage& message,
                                     const std::string& error) {
  auto out = outgoing(options_.failed_topic, message, message.payload, "invalid_event");
  out.headers.emplace_back("notification-error", error);
  if (!core::runtime::retryUntilDone(scope_, "kafka", [&]() { return forwarder_.forward(out); }))
    return Outcome::kNotDone;
  counters_.failed_invalid.increment();
  spdlog::error("{} is not a valid notification event ({}); moved to {}", positionOf(message),
                core::logging::printable(error), options_.failed_topic);
  return Outcome::kDone;
}

}  // namespace notification
