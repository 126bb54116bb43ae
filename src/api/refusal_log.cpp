#include "api/refusal_log.hpp"

#include <spdlog/spdlog.h>

namespace api {

namespace {
constexpr int kLinesPerSecond = 5;
}  // namespace

void RefusalLog::record(const std::string& reason, int status, const std::string& detail) {
  metrics_
      .counter("http_refused_requests_total",
               "Requests and connections refused before routing, by reason and status",
               {{"reason", reason}, {"status", std::to_string(status)}})
      .increment();
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - window_ >= std::chrono::seconds(1)) {
    window_ = now;
    lines_ = 0;
  }
  if (++lines_ > kLinesPerSecond) {
    ++suppressed_;
    return;
  }
  spdlog::warn("refused: {} {} ({}){}", status, reason, detail,
               suppressed_ == 0 ? std::string()
                                : "; " + std::to_string(suppressed_) + " more refusals not logged");
  suppressed_ = 0;
}

}  // namespace api
