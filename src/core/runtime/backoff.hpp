#pragma once
// How long a daemon waits before trying a failed step again: doubling from
// `first` up to `max`, back to `first` once the step works. Every daemon uses
// the same defaults, so an outage looks the same in every log.

#include <algorithm>
#include <chrono>

namespace core::runtime {

class Backoff {
 public:
  static constexpr std::chrono::milliseconds kDefaultFirst{200};
  static constexpr std::chrono::milliseconds kDefaultMax{5000};

  explicit Backoff(std::chrono::milliseconds first = kDefaultFirst,
                   std::chrono::milliseconds max = kDefaultMax)
      : first_(first), max_(std::max(first, max)), current_(first) {}

  // The wait for this failure; the next one waits twice as long (up to max).
  std::chrono::milliseconds next() {
    const auto wait = current_;
    current_ = std::min(current_ * 2, max_);
    return wait;
  }
  void reset() { current_ = first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds current_;
};

}  // namespace core::runtime
