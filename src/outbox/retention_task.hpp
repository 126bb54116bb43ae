#pragma once
// The daemon's periodic retention (--retention AGE): a thread with its own
// database connection that runs a retention pass every --retention-interval,
// but only while this relay is the leader, so that one relay of a group does
// the deleting. A pass stops between batches when leadership goes or on stop().

#include <chrono>
#include <functional>
#include <thread>

#include "core/metrics/registry.hpp"
#include "core/runtime/stop_signal.hpp"
#include "outbox/retention.hpp"

namespace outbox {

class RetentionTask {
 public:
  RetentionTask(RetentionOptions options, std::chrono::milliseconds interval,
                std::function<bool()> is_leader, core::metrics::Registry& metrics);
  ~RetentionTask();  // stops and joins

  void start();
  void stop();

 private:
  void loop();

  Retention retention_;
  std::chrono::milliseconds interval_;
  std::function<bool()> is_leader_;
  core::metrics::Counter& deleted_;
  core::metrics::Counter& errors_;
  core::runtime::StopSignal stop_;
  std::thread thread_;
};

}  // namespace outbox
