#include "workers/notification/mail_lanes.hpp"

#include <algorithm>

namespace notification {

MailLanes::MailLanes(std::size_t count, std::size_t queue_per_lane, const HandlerOptions& options,
                     const MailSenderFactory& make_sender, const std::string& database_url,
                     EventForwarder& forwarder, const core::runtime::RetryScope& scope,
                     NotificationCounters& counters, Finished finished)
    : queue_per_lane_(queue_per_lane), finished_(std::move(finished)) {
  for (std::size_t i = 0; i < count; ++i) {
    auto lane = std::make_unique<Lane>();
    lane->handler = std::make_unique<EventHandler>(options, make_sender(), database_url, forwarder,
                                                   scope, counters);
    lanes_.push_back(std::move(lane));
  }
  for (auto& lane : lanes_) lane->thread = std::thread([this, l = lane.get()]() { work(*l); });
}

MailLanes::~MailLanes() {
  join();
}

void MailLanes::join() {
  stop();
  for (auto& lane : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
}

bool MailLanes::submit(LaneTask task) {
  std::unique_lock<std::mutex> lock(mutex_);
  // Without a key, copies of one event still share a lane: same payload.
  const auto& key = task.message.key.empty() ? task.message.payload : task.message.key;
  Lane& lane = *lanes_[std::hash<std::string>{}(key) % lanes_.size()];
  changed_.wait(lock, [&]() { return stopping_ || lane.queue.size() < queue_per_lane_; });
  if (stopping_) return false;
  lane.queue.push_back(std::move(task));
  changed_.notify_all();
  return true;
}

std::size_t MailLanes::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t n = 0;
  for (const auto& lane : lanes_) n += lane->queue.size() + (lane->busy ? 1 : 0);
  return n;
}

std::size_t MailLanes::dropQueued(const std::function<bool(const LaneTask&)>& which) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t dropped = 0;
  for (auto& lane : lanes_) {
    const auto before = lane->queue.size();
    lane->queue.erase(std::remove_if(lane->queue.begin(), lane->queue.end(), which),
                      lane->queue.end());
    dropped += before - lane->queue.size();
  }
  changed_.notify_all();
  return dropped;
}

bool MailLanes::waitIdle(const std::function<bool(const LaneTask&)>& which,
                         std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, limit, [&]() {
    return std::none_of(lanes_.begin(), lanes_.end(), [&](const auto& lane) {
      return (lane->busy && which(lane->current)) ||
             std::any_of(lane->queue.begin(), lane->queue.end(), which);
    });
  });
}

void MailLanes::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  for (auto& lane : lanes_) lane->queue.clear();
  changed_.notify_all();
}

void MailLanes::work(Lane& lane) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [&]() { return stopping_ || !lane.queue.empty(); });
    if (stopping_) return;
    lane.current = std::move(lane.queue.front());
    lane.queue.pop_front();
    lane.busy = true;
    changed_.notify_all();  // room for submit()
    lock.unlock();
    // `current` is read by others only under the lock, and not changed until
    // this lane takes its next task.
    const LaneTask& task = lane.current;
    const Outcome outcome = task.invalid_reason.empty()
                                ? lane.handler->handle(task.message)
                                : lane.handler->forwardInvalid(task.message, task.invalid_reason);
    finished_(task, outcome);
    lock.lock();
    lane.busy = false;
    changed_.notify_all();  // waitIdle()
  }
}

}  // namespace notification
