#include "workers/notification/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "core/runtime/backoff.hpp"
#include "workers/notification/notification_event.hpp"

namespace notification {

using core::ErrorKind;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kPollTimeout{200};
constexpr milliseconds kCommitInterval{100};
// A rebalance waits this long for the revoked partitions' events in flight.
constexpr milliseconds kDrainLimit{30000};
// Each lane's queue: with the consumer's fetch queue, what a backlog holds in memory.
constexpr std::size_t kQueuePerLane = 64;
// Readiness follows the database and the brokers within a few seconds.
constexpr auto kProbeInterval = std::chrono::seconds(2);
constexpr int kBrokerCheckTimeoutMs = 1000;
constexpr int kSeekTimeoutMs = 5000;
// Clock differences between the worker that scheduled a retry and this one.
constexpr milliseconds kNotBeforeSlack{60000};

std::string describe(const std::vector<core::kafka::PartitionOffset>& partitions) {
  std::string out;
  for (const auto& p : partitions) {
    out += (out.empty() ? "" : ", ") + p.topic + "/" + std::to_string(p.partition);
  }
  return out.empty() ? "no partitions" : out;
}

}  // namespace

Notifier::Notifier(NotifierOptions options, const MailLanes::MailSenderFactory& make_sender,
                   core::metrics::Registry& metrics)
    : options_(std::move(options)),
      handling_{options_.retry_topic, options_.failed_topic, options_.retry,
                options_.max_recipients, options_.sender},
      retry_scope_{stop_, readiness_, options_.shutdown_grace},
      counters_(metrics),
      consumer_lag_(metrics),
      sent_log_(options_.database_url),
      forwarder_(options_.brokers, options_.kafka_properties, "notification-worker",
                 options_.delivery_timeout) {
  lanes_ = std::make_unique<MailLanes>(
      std::max<std::size_t>(1, options_.smtp_sessions), kQueuePerLane, handling_, make_sender,
      options_.database_url, forwarder_, retry_scope_, counters_,
      [this](const LaneTask& task, Outcome outcome) { finished(task, outcome); });
  metrics.gauge("notification_held_retry_partitions",
                "Retry partitions paused until their next event is due",
                [this]() { return static_cast<double>(held_count_.load()); });
  metrics.gauge("notification_ready", "1 while the database and the brokers answer",
                [this]() { return problem().empty() ? 1.0 : 0.0; });
  metrics.gauge("notification_events_in_flight", "Events handed to the lanes and not finished",
                [this]() {
                  std::lock_guard<std::mutex> lock(tracker_mutex_);
                  return static_cast<double>(tracker_.unfinished());
                });
}

Notifier::~Notifier() {
  stop();
  lanes_.reset();  // joins the lanes while the rest is intact
}

void Notifier::stop() {
  stop_.stop();
  lanes_->stop();
}

bool Notifier::ensureConsumer() {
  if (consumer_) return true;
  core::kafka::ConsumerOptions options;
  options.brokers = options_.brokers;
  options.group_id = options_.group_id;
  options.topics = {options_.topic, options_.retry_topic};
  options.client_id = "notification-worker";
  // librdkafka prefetches up to 64 MB per consumer by default: a backlog
  // sat in memory (RSS grew from 18 to 72 MB over 22k mails). 1 MB is about
  // 700 mails, enough to keep the lanes busy at 5,000 mails/s.
  options.extra = {{"queued.max.messages.kbytes", "1024"}};
  options.extra.insert(options.extra.end(), options_.kafka_properties.begin(),
                       options_.kafka_properties.end());
  options.membership = options_.membership;
  // Both hooks run inside poll(), on this thread.
  options.on_assign = [](std::vector<core::kafka::PartitionOffset> partitions) {
    spdlog::info("assigned {}", describe(partitions));
    return partitions;  // start from the group's committed offsets
  };
  options.on_revoke = [this](const std::vector<core::kafka::PartitionOffset>& partitions) {
    spdlog::info("revoked {}", describe(partitions));
    // Events of these partitions not started yet are left to the member that
    // gets them; those being sent are finished and committed first, so it
    // starts after them (a later event already finished on another lane is
    // redelivered to it and skipped by the sent log).
    const auto dropped = lanes_->dropQueued([&](const LaneTask& task) {
      return std::any_of(partitions.begin(), partitions.end(), [&](const auto& p) {
        return p.topic == task.message.topic && p.partition == task.message.partition;
      });
    });
    if (dropped > 0) spdlog::info("{} queued events left to the next owner", dropped);
    drain(partitions);
    commitFinished(true);
    {
      std::lock_guard<std::mutex> lock(tracker_mutex_);
      for (const auto& p : partitions) tracker_.forget({p.topic, p.partition});
    }
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
    readiness_.set("kafka", consumer.error().message);
    return false;
  }
  consumer_ = std::move(consumer).value();
  return true;
}

void Notifier::dropConsumer(const std::string& why) {
  spdlog::warn("restarting the Kafka consumer: {}", why);
  // The new consumer starts at the committed offsets; the events in flight
  // finish first (a redelivered copy would wait behind them on its lane
  // anyway, and the sent log skips it).
  drain({});
  commitFinished(true);
  if (consumer_) consumer_->close();
  consumer_.reset();
  {
    std::lock_guard<std::mutex> lock(tracker_mutex_);
    tracker_ = OffsetTracker{};
  }
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
  readiness_.set("database", schema ? "" : schema.error().message);
  if (consumer_) {
    // A metadata request is bounded by its timeout; a watermark request
    // waits for the socket timeout (60 s) when the brokers are gone.
    const auto answered = consumer_->checkBrokers(kBrokerCheckTimeoutMs);
    readiness_.set("kafka", answered ? "" : answered.error().message);
    consumer_lag_.refresh(*consumer_, [this](const ConsumerLag::Partition& partition) {
      std::lock_guard<std::mutex> lock(tracker_mutex_);
      return tracker_.unfinished(partition);
    });
  }
}

void Notifier::submit(const core::kafka::ConsumedMessage& message, std::string invalid_reason) {
  {
    std::lock_guard<std::mutex> lock(tracker_mutex_);
    tracker_.started({message.topic, message.partition}, message.offset);
  }
  // False only when stopping: the event stays unfinished and is not committed.
  (void)lanes_->submit(LaneTask{message, std::move(invalid_reason)});
}

void Notifier::finished(const LaneTask& task, Outcome outcome) {
  if (outcome != Outcome::kDone) return;  // stopping: it comes again
  std::lock_guard<std::mutex> lock(tracker_mutex_);
  tracker_.finished({task.message.topic, task.message.partition}, task.message.offset);
}

void Notifier::commitFinished(bool now) {
  if (!consumer_) return;
  const auto time = Clock::now();
  if (!now && time - last_commit_ < kCommitInterval) return;
  std::vector<core::kafka::PartitionOffset> positions;
  {
    std::lock_guard<std::mutex> lock(tracker_mutex_);
    positions = tracker_.takeCommittable();
  }
  if (positions.empty()) return;
  last_commit_ = time;
  if (auto committed = consumer_->commit(positions); !committed) {
    spdlog::warn(
        "offset commit of {} failed: {}; their events may come again (the sent log "
        "skips those that were sent)",
        describe(positions), committed.error().message);
  }
}

void Notifier::drain(const std::vector<core::kafka::PartitionOffset>& partitions) {
  const bool idle = lanes_->waitIdle(
      [&](const LaneTask& task) {
        return partitions.empty() ||
               std::any_of(partitions.begin(), partitions.end(), [&](const auto& p) {
                 return p.topic == task.message.topic && p.partition == task.message.partition;
               });
      },
      kDrainLimit);
  if (!idle) {
    spdlog::warn("events of {} still in flight after {} s; giving the partitions up anyway",
                 describe(partitions), kDrainLimit.count() / 1000);
  }
}

// What to do with a polled message: hand it to a lane, hold its partition
// (a retry event not due yet), or skip it (its partition is held).
void Notifier::route(const core::kafka::ConsumedMessage& message) {
  // Fetched before its partition was paused: it comes again after resume.
  if (held_.count({message.topic, message.partition}) > 0) return;
  if (message.topic == options_.retry_topic) {
    auto event = parseNotificationEvent(message.payload);
    if (event && event->not_before) {
      const auto wait_micros =
          event->not_before->micros_since_epoch - core::domain::Timestamp::now().micros_since_epoch;
      // This worker never schedules a retry further ahead than its longest
      // backoff: a later not_before is forged or corrupt, and would hold
      // the partition (and overflow the due time) for as long as it says.
      const auto longest = options_.retry.max + kNotBeforeSlack;
      if (wait_micros > std::chrono::duration_cast<std::chrono::microseconds>(longest).count()) {
        submit(message, "not_before " + core::domain::formatIso8601(*event->not_before) +
                            " is more than " + std::to_string(longest.count()) +
                            " ms ahead (--retry-max-ms plus a minute)");
        return;
      }
      if (wait_micros > 0) {
        hold(message, milliseconds(wait_micros / 1000 + 1));
        return;
      }
    }
  }
  submit(message);
}

void Notifier::run() {
  core::runtime::Backoff backoff;
  state_log_.note("starting");
  while (!stop_.stopping()) {
    if (!ensureConsumer()) {
      state_log_.note("waiting for Kafka");
      stop_.sleepFor(backoff.next());
      continue;
    }
    resumeDuePartitions();
    if (!consumer_) continue;
    probe();
    commitFinished(false);
    auto polled = consumer_->poll(pollTimeoutMs());
    if (!polled) {
      readiness_.set("kafka", polled.error().message);
      if (polled.error().kind == ErrorKind::kFatal) dropConsumer(polled.error().message);
      // librdkafka reconnects by itself; a short pause keeps error events
      // from spinning without delaying due retry partitions for long.
      stop_.sleepFor(std::min(backoff.next(), milliseconds(1000)));
      continue;
    }
    if (!polled->has_value()) {
      commitFinished(true);  // idle: nothing waits for the interval
      continue;
    }
    backoff.reset();
    readiness_.set("kafka", "");
    state_log_.note("consuming");
    route(**polled);
  }
  // The lanes finish the events in hand (a sent one is recorded), drop the
  // rest; what finished is committed before the group is left.
  lanes_->join();
  commitFinished(true);
  if (consumer_) consumer_->close();
  state_log_.note("stopped");
}

}  // namespace notification
