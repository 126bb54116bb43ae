#include "core/runtime/stop_signal.hpp"

namespace core::runtime {

void StopSignal::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  changed_.notify_all();
}

void StopSignal::sleepFor(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, duration, [this]() { return stopping_.load(); });
}

void StopSignal::sleepUnlessWoken(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, duration, [this]() { return stopping_.load() || woken_; });
  woken_ = false;
}

void StopSignal::wake() {
  std::lock_guard<std::mutex> lock(mutex_);
  woken_ = true;
  changed_.notify_all();
}

}  // namespace core::runtime
