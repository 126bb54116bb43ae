#pragma once
// Several events in flight at once: `count` lanes, each a thread with its own
// SMTP session and sent-log connection (so each keeps the one-event crash
// window of event_handler: its record is committed right after its send).
// Events with the same Kafka key (the same customer) go to the same lane, in
// order; so do copies of one event (a redelivery), which the sent log then
// skips. A full lane makes submit() wait, which bounds the memory of a
// backlog to the consumer's small fetch queue and the lanes' queues.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "workers/notification/event_handler.hpp"

namespace notification {

struct LaneTask {
  core::kafka::ConsumedMessage message;
  std::string invalid_reason;  // non-empty: forward to FAILED as invalid
};

class MailLanes {
 public:
  using MailSenderFactory = std::function<std::unique_ptr<MailSender>()>;
  // Called on the lane's thread once a task has its outcome.
  using Finished = std::function<void(const LaneTask&, Outcome)>;

  MailLanes(std::size_t count, std::size_t queue_per_lane, const HandlerOptions& options,
            const MailSenderFactory& make_sender, const std::string& database_url,
            EventForwarder& forwarder, const core::runtime::RetryScope& scope,
            NotificationCounters& counters, Finished finished);
  ~MailLanes();  // stop() and join
  MailLanes(const MailLanes&) = delete;
  MailLanes& operator=(const MailLanes&) = delete;

  // Queues the task on its key's lane; waits while that lane is full. False
  // when the lanes are stopping.
  bool submit(LaneTask task);
  // Tasks queued or running.
  std::size_t pending() const;
  // Removes the queued (not yet started) tasks `which` selects; how many.
  std::size_t dropQueued(const std::function<bool(const LaneTask&)>& which);
  // Waits until no task `which` selects is queued or running (its finished
  // callback has returned), or `limit` passed; false then.
  bool waitIdle(const std::function<bool(const LaneTask&)>& which, std::chrono::milliseconds limit);
  // Each lane finishes the task in hand; queued tasks are dropped (their
  // offsets are never committed, so they come again). Any thread.
  void stop();
  // stop(), then waits for the lanes' threads. One thread only.
  void join();

 private:
  struct Lane {
    std::unique_ptr<EventHandler> handler;
    std::deque<LaneTask> queue;
    bool busy = false;
    LaneTask current;  // while busy
    std::thread thread;
  };
  void work(Lane& lane);

  const std::size_t queue_per_lane_;
  Finished finished_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace notification
