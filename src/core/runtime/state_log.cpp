#include "core/runtime/state_log.hpp"

#include <spdlog/spdlog.h>

namespace core::runtime {

void StateLog::note(const std::string& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state == state_) return;
  state_ = state;
  if (routine_.count(state) > 0) {
    spdlog::debug("state: {}", state);
  } else {
    spdlog::info("state: {}", state);
  }
}

std::string StateLog::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

}  // namespace core::runtime
