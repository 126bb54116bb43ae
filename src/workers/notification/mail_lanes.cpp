#include "workers/notification/mail_lanes.hpp"

namespace notification {

MailLanes::MailLanes(std::size_t count, std::size_t queue_per_lane, const HandlerOptions& options,
                     const MailSenderFactory& make_sender, const std::string& database_url,
                     EventForwarder& forwarder, RunState& state, NotificationCounters& counters,
                     Finished finished)
    : queue_per_lane_(queue_per_lane), finished_(std::move(finished)) {
  for (std::size_t i = 0; i < count; ++i) {
    auto lane = std::make_unique<Lane>();
    lane->handler = std::make_unique<EventHandler>(options, make_sender(), database_url, forwarder,
                                                   state, counters);
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
    LaneTask task = std::move(lane.queue.front());
    lane.queue.pop_front();
    lane.busy = true;
    changed_.notify_all();  // room for submit()
    lock.unlock();
    const Outcome outcome = task.invalid_reason.empty()
                                ? lane.handler->handle(task.message)
                                : lane.handler->forwardInvalid(task.message, task.invalid_reason);
    finished_(task, outcome);
    lock.lock();
    lane.busy = false;
  }
}

}  // namespace notification
