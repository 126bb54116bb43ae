#pragma once
// Faults, one after another in a fixed cycle with a pause between, on a thread
// of its own, until stop():
//   relay-kill          kill -9 the relay, start it again
//   replication-kill    kill -9 replication-worker, restart (same --group-instance-id)
//   relay-failover      start a standby relay, kill -9 the leader; the standby must lead
//   notification-kill   kill -9 notification-worker, restart (same --group-instance-id)
//   kafka-stop          stop the broker for a while, start it
//   postgres-restart    stop PostgreSQL, start it
// A process that exits without being killed is restarted and reported.

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "soak/soak_stack.hpp"

namespace soak {

class FaultInjector {
 public:
  FaultInjector(SoakStack& stack, std::chrono::milliseconds pause,
                std::chrono::milliseconds kafka_down);
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Starts every process (one relay) and waits until each is ready.
  void startPipeline();
  void start();
  // Ends the cycle after the current fault; Kafka, PostgreSQL and every
  // process are up again when it returns.
  void stop();

  std::map<std::string, int> faults() const;
  int total() const;
  int count(const std::string& kind) const;
  // Problems seen: a process that exited on its own, a service script that failed.
  std::vector<std::string> problems() const;

 private:
  void run();
  void inject(const std::string& kind);
  void killAndRestart(Slot slot);
  void failOver();
  void service(const std::string& action, const std::string& name);
  void restartExited();
  void pauseFor(std::chrono::milliseconds duration);
  void note(const std::string& problem);

  SoakStack& stack_;
  std::chrono::milliseconds pause_, kafka_down_;
  Slot relay_ = Slot::kRelayA;  // the relay that runs between faults
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, int> faults_;
  std::vector<std::string> problems_;
};

}  // namespace soak
