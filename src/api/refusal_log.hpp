#pragma once
// Requests and connections refused before routing (framing errors, missed
// deadlines, one connection too many): each is counted in
// http_refused_requests_total{reason,status} and logged at warn, unless
// refusals come faster than a few a second: a flood must not flood the log,
// so the rest are counted in the next line that is written.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/metrics/registry.hpp"

namespace api {

class RefusalLog {
 public:
  explicit RefusalLog(core::metrics::Registry& metrics) : metrics_(metrics) {}

  // `reason` is a metrics label; `detail` goes to the log only.
  void record(const std::string& reason, int status, const std::string& detail);

 private:
  core::metrics::Registry& metrics_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point window_;
  int lines_ = 0;  // written in the current one-second window
  std::uint64_t suppressed_ = 0;
};

}  // namespace api
