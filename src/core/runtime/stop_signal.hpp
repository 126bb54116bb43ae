#pragma once
// A daemon's stop flag and the sleeps it cuts short, shared by its threads.
// stop() comes from a signal handler's thread or a test; every wait in a
// daemon loop goes through here so that SIGTERM is answered at once.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace core::runtime {

class StopSignal {
 public:
  void stop();
  bool stopping() const { return stopping_.load(); }

  // Sleeps up to `duration`; returns early when stop() is called.
  void sleepFor(std::chrono::milliseconds duration);
  // Same, and returns early on wake() too. A wake() that came while nobody
  // slept is kept for the next call, so a hint is never lost.
  void sleepUnlessWoken(std::chrono::milliseconds duration);
  // A hint that work may be waiting (e.g. a NOTIFY): ends sleepUnlessWoken().
  void wake();

 private:
  std::atomic<bool> stopping_{false};
  bool woken_ = false;  // under mutex_
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace core::runtime
