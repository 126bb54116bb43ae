#pragma once
// The optional LISTEN/NOTIFY wake-up (--listen-notify). A trigger on the
// outbox (sql/customers/0005_outbox_notify.sql) sends one NOTIFY per inserting
// statement; this listener waits for them on its own connection, on its own
// thread, and calls on_notify() so that an idle relay polls at once.
//
// Its own connection, not the lock session: the lock session belongs to the
// publishing thread (a pqxx connection is one thread's at a time) and spends
// its time inside statements, when nothing could be delivered to it anyway.
// Losing this connection costs nothing but latency: polling goes on, and the
// listener reconnects with back-off.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "core/runtime/stop_signal.hpp"

namespace outbox {

class NotifyListener {
 public:
  NotifyListener(std::string database_url, std::string channel, std::function<void()> on_notify);
  ~NotifyListener();  // stops and joins

  void start();
  void stop();
  // True while LISTEN is in effect (for tests and /readyz detail).
  bool listening() const { return listening_; }

 private:
  void loop();

  std::string url_;
  std::string channel_;
  std::function<void()> on_notify_;
  core::runtime::StopSignal stop_;
  std::atomic<bool> listening_{false};
  std::thread thread_;
};

}  // namespace outbox
