#include "workers/notification/run_state.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace notification {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {
constexpr milliseconds kFirstBackoff{200};
constexpr milliseconds kMaxBackoff{5000};
}  // namespace

void RunState::stop() {
  stopping_ = true;
  std::lock_guard<std::mutex> lock(sleep_mutex_);
  wake_.notify_all();
}

void RunState::sleepFor(milliseconds duration) {
  std::unique_lock<std::mutex> lock(sleep_mutex_);
  wake_.wait_for(lock, duration, [this]() { return stopping_.load(); });
}

void RunState::setProblem(const std::string& component, const std::string& problem) {
  std::lock_guard<std::mutex> lock(problem_mutex_);
  auto& current = problems_[component];
  if (current.empty() && !problem.empty()) {
    spdlog::warn("{} unavailable: {}", component, problem);
  } else if (!current.empty() && problem.empty()) {
    spdlog::info("{} available again", component);
  }
  current = problem;
}

std::string RunState::problem() const {
  std::lock_guard<std::mutex> lock(problem_mutex_);
  std::string out;
  for (const auto& [component, problem] : problems_) {
    if (!problem.empty()) out += (out.empty() ? "" : "; ") + component + ": " + problem;
  }
  return out;
}

bool RunState::persist(const std::string& component, const std::function<core::Status()>& step,
                       bool must_finish) {
  auto backoff = kFirstBackoff;
  auto deadline = Clock::time_point::max();
  while (true) {
    const core::Status status = step();
    if (status) {
      setProblem(component, "");
      return true;
    }
    setProblem(component, status.error().message);
    if (stopping_) {
      if (!must_finish) return false;
      if (deadline == Clock::time_point::max()) deadline = Clock::now() + shutdown_grace_;
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::min(backoff, milliseconds(500)));
    } else {
      sleepFor(backoff);
    }
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace notification
