#include "api/in_flight_requests.hpp"

namespace api {

bool InFlightRequests::enter() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (draining_) return false;
  ++count_;
  return true;
}

void InFlightRequests::leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--count_ == 0) idle_.notify_all();
}

std::size_t InFlightRequests::drain(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  draining_ = true;
  idle_.wait_for(lock, timeout, [this] { return count_ == 0; });
  return count_;
}

}  // namespace api
