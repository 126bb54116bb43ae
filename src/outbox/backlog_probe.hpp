#pragma once
// The backlog gauges' queries (unpublished and parked rows, the oldest
// unpublished row's age, with --source wal the slot's retained WAL) on a
// session of their own, in the background: counting a backlog of a million
// rows takes about half a second, which the publishing loop must not wait for.

#include <future>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "outbox/outbox_session.hpp"

namespace outbox {

class BacklogProbe {
 public:
  explicit BacklogProbe(std::string database_url);
  ~BacklogProbe();  // waits for a probe in progress
  BacklogProbe(const BacklogProbe&) = delete;
  BacklogProbe& operator=(const BacklogProbe&) = delete;

  struct Reading {
    core::Result<Backlog> backlog;
    // Empty `slot` asked nothing about a slot: then this is an empty optional too.
    core::Result<std::optional<SlotRetention>> slot;
  };
  // Starts a probe unless one is running; `slot` empty: no slot to look at.
  void start(const std::string& slot);
  // The reading of the probe started last, once it has finished.
  std::optional<Reading> take();

 private:
  OutboxSession session_;
  std::future<Reading> probe_;
};

}  // namespace outbox
