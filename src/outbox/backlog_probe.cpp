#include "outbox/backlog_probe.hpp"

#include <chrono>
#include <utility>

namespace outbox {

BacklogProbe::BacklogProbe(std::string database_url) : session_(std::move(database_url)) {}

BacklogProbe::~BacklogProbe() {
  if (probe_.valid()) probe_.wait();
}

void BacklogProbe::start(const std::string& slot) {
  if (probe_.valid()) return;
  probe_ = std::async(std::launch::async, [this, slot]() -> Reading {
    if (auto connected = session_.connect(); !connected) {
      return {connected.error(), connected.error()};
    }
    Reading reading{session_.backlog(), std::optional<SlotRetention>()};
    if (!slot.empty()) reading.slot = session_.slotRetention(slot);
    // A failed session is opened again by the next probe.
    if (!reading.backlog) session_.disconnect();
    return reading;
  });
}

std::optional<BacklogProbe::Reading> BacklogProbe::take() {
  if (!probe_.valid() || probe_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return std::nullopt;
  }
  auto reading = probe_.get();
  probe_ = {};
  return reading;
}

}  // namespace outbox
