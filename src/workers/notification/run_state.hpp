#pragma once
// What the notifier's threads share about the worker's life: the stop
// signal, sleeps that stop() cuts short, the problems /readyz reports (each
// change logged once), and persist(): retry a database or broker step with
// backoff until it works or the worker stops.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/result.hpp"

namespace notification {

class RunState {
 public:
  explicit RunState(std::chrono::milliseconds shutdown_grace) : shutdown_grace_(shutdown_grace) {}

  void stop();
  bool stopping() const { return stopping_.load(); }
  // Sleeps, or returns early when stop() is called.
  void sleepFor(std::chrono::milliseconds duration);

  // Empty `problem`: the component answers again.
  void setProblem(const std::string& component, const std::string& problem);
  // Empty when every component answers, else what is wrong.
  std::string problem() const;

  // Runs `step` until it succeeds, backing off from 0.2 s to 5 s. False when
  // stopping; with `must_finish`, only once the shutdown grace has passed
  // too (a sent mail's record must not be given up lightly).
  bool persist(const std::string& component, const std::function<core::Status()>& step,
               bool must_finish = false);

 private:
  const std::chrono::milliseconds shutdown_grace_;
  std::atomic<bool> stopping_{false};
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  mutable std::mutex problem_mutex_;
  std::map<std::string, std::string> problems_;  // component -> problem
};

}  // namespace notification
