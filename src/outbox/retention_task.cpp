#include "outbox/retention_task.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace outbox {

RetentionTask::RetentionTask(RetentionOptions options, std::chrono::milliseconds interval,
                             std::function<bool()> is_leader, core::metrics::Registry& metrics)
    : retention_(std::move(options)),
      interval_(interval),
      is_leader_(std::move(is_leader)),
      deleted_(metrics.counter("outbox_retention_deleted_rows_total",
                               "Published rows deleted by retention")),
      errors_(metrics.counter("outbox_errors_total", "Relay errors by kind",
                              {{"kind", "retention"}})) {}

RetentionTask::~RetentionTask() {
  stop();
}

void RetentionTask::start() {
  thread_ = std::thread([this]() { loop(); });
}

void RetentionTask::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

void RetentionTask::loop() {
  // The first pass soon after becoming leader, then one per interval.
  auto wait = std::chrono::milliseconds(std::min<long>(interval_.count(), 1000));
  while (true) {
    stop_.sleepFor(wait);
    if (stop_.stopping()) break;
    if (!is_leader_()) {
      wait = std::chrono::milliseconds(std::min<long>(interval_.count(), 1000));
      continue;
    }
    const auto keep_going = [this]() { return !stop_.stopping() && is_leader_(); };
    auto deleted = retention_.run(keep_going);
    if (deleted) {
      deleted_.increment(static_cast<std::uint64_t>(*deleted));
      if (*deleted > 0) spdlog::info("retention deleted {} published rows", *deleted);
      wait = interval_;
    } else {
      errors_.increment();
      spdlog::warn("retention pass failed: {}", deleted.error().message);
      wait = std::min(interval_, std::chrono::milliseconds(30000));
    }
  }
  retention_.disconnect();
}

}  // namespace outbox
