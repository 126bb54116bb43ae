#include "outbox/read_ahead.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace outbox {

using core::db::OutboxRow;

ReadAhead::ReadAhead(std::string database_url) : session_(std::move(database_url)) {}

ReadAhead::~ReadAhead() {
  discard();
}

void ReadAhead::start(std::vector<std::int64_t> in_flight, std::size_t limit) {
  discard();
  read_ = std::async(
      std::launch::async,
      [this, in_flight = std::move(in_flight), limit]() -> core::Result<std::vector<OutboxRow>> {
        if (auto connected = session_.connect(); !connected) return connected.error();
        return session_.pending(limit, in_flight);
      });
}

std::optional<std::vector<OutboxRow>> ReadAhead::take() {
  if (!read_.valid()) return std::nullopt;
  auto rows = read_.get();
  if (!rows) {
    // Not worth more than a debug line: the leader's own read reports the
    // database's state.
    spdlog::debug("read-ahead failed: {}", rows.error().message);
    return std::nullopt;
  }
  return std::move(rows).value();
}

void ReadAhead::discard() {
  if (read_.valid()) read_.wait();
  read_ = {};
}

}  // namespace outbox
