#include "workers/notification/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "core/json/codec.hpp"
#include "core/logging/logging.hpp"
#include "workers/notification/notification_event.hpp"

namespace notification {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kPollTimeout{200};
constexpr milliseconds kFirstBackoff{200};
constexpr milliseconds kMaxBackoff{5000};
// Readiness follows the database and the brokers within a few seconds.
constexpr auto kProbeInterval = std::chrono::seconds(2);
constexpr int kBrokerCheckTimeoutMs = 1000;
constexpr int kSeekTimeoutMs = 5000;
// Clock differences between the worker that scheduled a retry and this one.
constexpr milliseconds kNotBeforeSlack{60000};

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string describe(const std::vector<core::kafka::PartitionOffset>& partitions) {
  std::string out;
  for (const auto& p : partitions) {
    out += (out.empty() ? "" : ", ") + p.topic + "/" + std::to_string(p.partition);
  }
  return out.empty() ? "no partitions" : out;
}

std::string positionOf(const core::kafka::ConsumedMessage& m) {
  return m.topic + "/" + std::to_string(m.partition) + "@" + std::to_string(m.offset);
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

Notifier::Notifier(NotifierOptions options, MailSender& mail, core::metrics::Registry& metrics)
    : options_(std::move(options)),
      mail_(mail),
      sent_log_(options_.database_url),
      forwarder_(options_.brokers, options_.kafka_properties, "notification-worker",
                 options_.delivery_timeout),
      random_(std::random_device{}()),
      sent_(metrics.counter("notification_sent_total", "E-mails the SMTP server accepted")),
      retried_(metrics.counter("notification_retried_total",
                               "Events moved to the retry topic after a transient failure")),
      failed_permanent_(metrics.counter("notification_failed_total",
                                        "Events moved to the FAILED topic, by reason",
                                        {{"reason", "permanent"}})),
      failed_exhausted_(metrics.counter("notification_failed_total",
                                        "Events moved to the FAILED topic, by reason",
                                        {{"reason", "attempts_exhausted"}})),
      failed_invalid_(metrics.counter("notification_failed_total",
                                      "Events moved to the FAILED topic, by reason",
                                      {{"reason", "invalid_event"}})),
      skipped_(metrics.counter("notification_duplicates_skipped_total",
                               "Redelivered events found in the sent log and not sent again")),
      smtp_seconds_(metrics.histogram("notification_smtp_duration_seconds",
                                      "Time to hand one e-mail to the SMTP server")) {
  metrics.gauge("notification_held_retry_partitions",
                "Retry partitions paused until their next event is due",
                [this]() { return static_cast<double>(held_count_.load()); });
  metrics.gauge("notification_ready", "1 while the database and the brokers answer",
                [this]() { return problem().empty() ? 1.0 : 0.0; });
}

Notifier::~Notifier() = default;

void Notifier::stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(sleep_mutex_);
  wake_.notify_all();
}

void Notifier::sleepFor(milliseconds duration) {
  std::unique_lock<std::mutex> lock(sleep_mutex_);
  wake_.wait_for(lock, duration, [this]() { return stopping_.load(); });
}

void Notifier::noteState(const std::string& state) {
  if (state == state_) return;
  state_ = state;
  spdlog::info("state: {}", state);
}

void Notifier::setProblem(const char* component, const std::string& problem) {
  std::lock_guard<std::mutex> lock(problem_mutex_);
  auto& current = problems_[component];
  if (current.empty() && !problem.empty()) {
    spdlog::warn("{} unavailable: {}", component, problem);
  } else if (!current.empty() && problem.empty()) {
    spdlog::info("{} available again", component);
  }
  current = problem;
}

std::string Notifier::problem() const {
  std::lock_guard<std::mutex> lock(problem_mutex_);
  std::string out;
  for (const auto& [component, problem] : problems_) {
    if (!problem.empty()) out += (out.empty() ? "" : "; ") + component + ": " + problem;
  }
  return out;
}

template <typename Fn>
bool Notifier::persist(const char* component, Fn&& step, bool must_finish) {
  auto backoff = kFirstBackoff;
  auto deadline = Clock::time_point::max();
  while (true) {
    const core::Status status = step();
    if (status) {
      setProblem(component, "");
      return true;
    }
    setProblem(component, status.error().message);
    if (stopping_) {
      if (!must_finish) return false;
      if (deadline == Clock::time_point::max()) deadline = Clock::now() + options_.shutdown_grace;
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::min(backoff, milliseconds(500)));
    } else {
      sleepFor(backoff);
    }
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

bool Notifier::ensureConsumer() {
  if (consumer_) return true;
  core::kafka::ConsumerOptions options;
  options.brokers = options_.brokers;
  options.group_id = options_.group_id;
  options.topics = {options_.topic, options_.retry_topic};
  options.client_id = "notification-worker";
  options.extra = options_.kafka_properties;
  options.membership = options_.membership;
  // Both hooks run inside poll(), on this thread.
  options.on_assign = [](std::vector<core::kafka::PartitionOffset> partitions) {
    spdlog::info("assigned {}", describe(partitions));
    return partitions;  // start from the group's committed offsets
  };
  options.on_revoke = [this](const std::vector<core::kafka::PartitionOffset>& partitions) {
    spdlog::info("revoked {}", describe(partitions));
    // A partition this worker paused is resumed before it is given up, so it
    // cannot come back paused. (Never resume a partition that is not paused:
    // librdkafka then restarts its fetch at the last fetch start, which
    // delivers already-consumed messages again.)
    for (const auto& p : partitions) {
      if (held_.erase({p.topic, p.partition}) > 0 && consumer_) (void)consumer_->resume({p});
    }
    held_count_ = static_cast<int>(held_.size());
  };
  auto consumer = core::kafka::Consumer::create(options);
  if (!consumer) {
    setProblem("kafka", consumer.error().message);
    return false;
  }
  consumer_ = std::move(consumer).value();
  return true;
}

void Notifier::dropConsumer(const std::string& why) {
  spdlog::warn("restarting the Kafka consumer: {}", why);
  if (consumer_) consumer_->close();
  consumer_.reset();
  held_.clear();
  held_count_ = 0;
}

void Notifier::hold(const core::kafka::ConsumedMessage& message, milliseconds wait) {
  // pause() keeps the fetch position AFTER this message (the last one poll()
  // returned); seeking back to its offset makes the resumed partition start
  // with it again. Its offset is not committed, so a restart finds it too.
  const core::kafka::PartitionOffset position{message.topic, message.partition, message.offset};
  if (auto paused = consumer_->pause({position}); !paused) {
    dropConsumer("cannot pause " + positionOf(message) + ": " + paused.error().message);
    return;
  }
  if (auto sought = consumer_->seek(position, kSeekTimeoutMs); !sought) {
    dropConsumer("cannot seek back to " + positionOf(message) + ": " + sought.error().message);
    return;
  }
  held_[{message.topic, message.partition}] = {message.offset, Clock::now() + wait};
  held_count_ = static_cast<int>(held_.size());
  spdlog::debug("retry event at {} is due in {} ms: partition paused", positionOf(message),
                wait.count());
}

void Notifier::resumeDuePartitions() {
  const auto now = Clock::now();
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.due > now) {
      ++it;
      continue;
    }
    const core::kafka::PartitionOffset position{it->first.first, it->first.second,
                                                it->second.offset};
    it = held_.erase(it);
    held_count_ = static_cast<int>(held_.size());
    // Seek again after resume: whatever librdkafka chose as the resume
    // position, fetching restarts at the held event.
    auto resumed = consumer_->resume({position});
    auto sought = resumed ? consumer_->seek(position, kSeekTimeoutMs) : resumed;
    if (!sought) {
      dropConsumer("cannot resume " + position.topic + ": " + sought.error().message);
      return;
    }
  }
}

int Notifier::pollTimeoutMs() const {
  auto timeout = kPollTimeout;
  const auto now = Clock::now();
  for (const auto& [key, held] : held_) {
    const auto left = std::chrono::duration_cast<milliseconds>(held.due - now) + milliseconds(1);
    timeout = std::clamp(left, milliseconds(1), timeout);
  }
  return static_cast<int>(timeout.count());
}

void Notifier::probe() {
  const auto now = Clock::now();
  if (now - last_probe_ < kProbeInterval) return;
  last_probe_ = now;
  const auto schema = sent_log_.checkSchema();
  setProblem("database", schema ? "" : schema.error().message);
  if (consumer_) {
    // A metadata request is bounded by its timeout; a watermark request
    // waits for the socket timeout (60 s) when the brokers are gone.
    const auto answered = consumer_->checkBrokers(kBrokerCheckTimeoutMs);
    setProblem("kafka", answered ? "" : answered.error().message);
  }
}

void Notifier::commit(const core::kafka::ConsumedMessage& message) {
  auto committed = consumer_->commit({{message.topic, message.partition, message.offset + 1}});
  spdlog::debug("committed {}", positionOf(message));
  if (!committed) {
    spdlog::warn(
        "offset commit after {} failed: {}; the event may come again (the sent log "
        "skips it if it was sent)",
        positionOf(message), committed.error().message);
  }
}

void Notifier::run() {
  auto backoff = kFirstBackoff;
  noteState("starting");
  while (!stopping_) {
    if (!ensureConsumer()) {
      noteState("waiting for Kafka");
      sleepFor(backoff);
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    resumeDuePartitions();
    if (!consumer_) continue;
    probe();
    auto polled = consumer_->poll(pollTimeoutMs());
    if (!polled) {
      setProblem("kafka", polled.error().message);
      if (polled.error().kind == ErrorKind::kFatal) dropConsumer(polled.error().message);
      // librdkafka reconnects by itself; a short pause keeps error events
      // from spinning without delaying due retry partitions for long.
      sleepFor(std::min(backoff, milliseconds(1000)));
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    if (!polled->has_value()) continue;
    backoff = kFirstBackoff;
    setProblem("kafka", "");
    const core::kafka::ConsumedMessage& message = **polled;
    // Fetched before its partition was paused: it comes again after resume.
    if (held_.count({message.topic, message.partition}) > 0) continue;
    if (message.topic == options_.retry_topic) {
      auto event = parseNotificationEvent(message.payload);
      if (event && event->not_before) {
        const auto wait_micros = event->not_before->micros_since_epoch -
                                 core::domain::Timestamp::now().micros_since_epoch;
        // This worker never schedules a retry further ahead than its longest
        // backoff: a later not_before is forged or corrupt, and would hold
        // the partition (and overflow the due time) for as long as it says.
        const auto longest = options_.retry.max + kNotBeforeSlack;
        if (wait_micros > std::chrono::duration_cast<std::chrono::microseconds>(longest).count()) {
          noteState("consuming");
          const auto outcome = forwardInvalid(
              message, "not_before " + core::domain::formatIso8601(*event->not_before) +
                           " is more than " + std::to_string(longest.count()) +
                           " ms ahead (--retry-max-ms plus a minute)");
          if (outcome == Outcome::kDone) commit(message);
          continue;
        }
        if (wait_micros > 0) {
          hold(message, milliseconds(wait_micros / 1000 + 1));
          continue;
        }
      }
    }
    noteState("consuming");
    if (handle(message) == Outcome::kDone) commit(message);
  }
  if (consumer_) consumer_->close();
  noteState("stopped");
}

Notifier::Outcome Notifier::handle(const core::kafka::ConsumedMessage& message) {
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
  const bool checked = persist("database", [&]() -> core::Status {
    auto sent = sent_log_.isSent(event.id);
    if (!sent) return sent.error();
    already_sent = *sent;
    return {};
  });
  if (!checked) return Outcome::kNotDone;
  if (already_sent) {
    skipped_.increment();
    spdlog::info("event_id={} was sent before; skipped ({})", event.id, positionOf(message));
    return Outcome::kDone;
  }

  const auto now = core::domain::Timestamp::now();
  const auto mail =
      composeMail(event, *recipients, options_.sender, now.micros_since_epoch / 1000000);
  const auto started = Clock::now();
  const SendResult result = mail_.send(mail.envelope, mail.message);
  smtp_seconds_.observe(std::chrono::duration<double>(Clock::now() - started).count());
  if (!result.ok) {
    const auto failure = classify(result);
    return handleFailure(std::move(event), message, recipient_list, failure, result.error);
  }

  sent_.increment();
  // The crash window: the server has the mail, the log does not have it yet.
  const bool recorded = persist(
      "database", [&]() { return sent_log_.recordSent(event, recipient_list, attempt); }, true);
  if (!recorded) {
    spdlog::error(
        "event_id={} was sent but could not be recorded before shutdown; it will be "
        "sent again when it is redelivered",
        event.id);
    return Outcome::kNotDone;
  }
  // Addresses are personal data: only their count at info level.
  spdlog::info("event_id={} sent to {} recipient(s) (attempt {})", event.id,
               recipients->envelope.size(), attempt);
  spdlog::debug("event_id={} recipients: {}", event.id, recipient_list);
  return Outcome::kDone;
}

Notifier::Outcome Notifier::handleFailure(core::domain::NotificationEvent event,
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
    if (!persist("kafka", [&]() { return forwarder_.forward(out); })) return Outcome::kNotDone;
    retried_.increment();
    spdlog::warn("event_id={} attempt {} failed ({}): {}; retry in {} ms", event.id, attempt,
                 failureClassName(failure), error, delay.count());
    return Outcome::kDone;
  }

  event.not_before.reset();
  const bool exhausted = failure == FailureClass::kTransient;
  const auto out =
      outgoing(options_.failed_topic, message, core::json::encodeNotificationEvent(event),
               exhausted ? "attempts_exhausted" : "permanent");
  if (!persist("kafka", [&]() { return forwarder_.forward(out); })) return Outcome::kNotDone;
  (exhausted ? failed_exhausted_ : failed_permanent_).increment();
  spdlog::error("event_id={} failed for good after {} attempt(s) ({}): {}", event.id, attempt,
                exhausted ? "attempt limit reached" : "permanent failure", error);
  if (auto recorded = sent_log_.recordFailed(event, recipients, attempt, error); !recorded) {
    spdlog::warn("event_id={} could not be recorded as failed: {}", event.id,
                 recorded.error().message);
  }
  return Outcome::kDone;
}

Notifier::Outcome Notifier::forwardInvalid(const core::kafka::ConsumedMessage& message,
                                           const std::string& error) {
  auto out = outgoing(options_.failed_topic, message, message.payload, "invalid_event");
  out.headers.emplace_back("notification-error", error);
  if (!persist("kafka", [&]() { return forwarder_.forward(out); })) return Outcome::kNotDone;
  failed_invalid_.increment();
  spdlog::error("{} is not a valid notification event ({}); moved to {}", positionOf(message),
                core::logging::printable(error), options_.failed_topic);
  return Outcome::kDone;
}

}  // namespace notification
