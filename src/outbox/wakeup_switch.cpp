#include "outbox/wakeup_switch.hpp"

namespace outbox {

std::optional<bool> WakeupSwitch::afterPoll(bool found_rows) {
  if (found_rows) {
    empty_polls_ = 0;
  } else if (empty_polls_ < kEmptyPollsBeforeWakeups) {
    ++empty_polls_;
  }
  const bool wanted = listening_ && empty_polls_ >= kEmptyPollsBeforeWakeups;
  if (stored_ == wanted) return std::nullopt;
  stored_ = wanted;
  return wanted;
}

}  // namespace outbox
