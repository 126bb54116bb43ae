#include "outbox/mark_ahead.hpp"

#include <utility>

namespace outbox {

MarkAhead::MarkAhead(std::string database_url) : session_(std::move(database_url)) {}

MarkAhead::~MarkAhead() {
  if (writing_.valid()) writing_.wait();
}

void MarkAhead::start(Batch batch) {
  batch_ = std::move(batch);
  writing_ = std::async(std::launch::async, [this]() -> core::Status {
    if (auto connected = session_.connect(); !connected) return connected;
    auto marked = session_.markPublished(batch_.marks);
    // A failed session is opened again for the next batch.
    if (!marked) session_.disconnect();
    return marked;
  });
}

bool MarkAhead::written(std::chrono::milliseconds wait) const {
  return !writing_.valid() || writing_.wait_for(wait) == std::future_status::ready;
}

core::Result<MarkAhead::Batch> MarkAhead::wait() {
  if (!writing_.valid()) return Batch{};
  auto written = writing_.get();
  writing_ = {};
  if (!written) return written.error();
  return std::move(batch_);
}

}  // namespace outbox
