#pragma once
// Requests handed to the service and not yet answered. The server's stop()
// drains them before it stops the reactors that write the answers.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace api {

class InFlightRequests {
 public:
  // False once draining: the request is answered 503 instead of served.
  bool enter();
  // Its answer has been handed to the reactor.
  void leave();
  // Turns new requests away from now on and waits up to `timeout` for those
  // in progress; returns how many are still in progress.
  std::size_t drain(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t count_ = 0;
  bool draining_ = false;
};

}  // namespace api
