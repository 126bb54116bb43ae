#pragma once
// A daemon's current activity ("replicating", "standby: ...", "waiting for
// the database: ..."), logged once per change rather than once per loop.

#include <mutex>
#include <set>
#include <string>

namespace core::runtime {

class StateLog {
 public:
  // `routine` states flip on every poll under light load (e.g. publishing and
  // idle): they are logged at debug, every other state at info.
  explicit StateLog(std::set<std::string> routine = {}) : routine_(std::move(routine)) {}

  void note(const std::string& state);
  std::string current() const;

 private:
  const std::set<std::string> routine_;
  mutable std::mutex mutex_;
  std::string state_;
};

}  // namespace core::runtime
