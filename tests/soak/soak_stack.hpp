#pragma once
// The soak's own pipeline: three fresh databases (migrated), fresh topics, and
// the real processes (customer-api, two outbox-relay slots, replication-worker,
// notification-worker) on fixed status ports, so a restarted process answers
// where the old one did. launchArguments() and launch() are the one place
// that builds a command line: each process's PostgreSQL role and Kafka user
// are chosen there.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/test_env.hpp"

namespace soak {

// A process slot. The two relay slots share one lock: one leads, one waits.
enum class Slot { kApi, kRelayA, kRelayB, kReplication, kNotification };
const char* slotName(Slot slot);

struct Topics {
  std::string crud, mail, retry, failed, dlq;
};

class SoakStack {
 public:
  SoakStack();
  ~SoakStack();
  SoakStack(const SoakStack&) = delete;
  SoakStack& operator=(const SoakStack&) = delete;

  // Starts the slot's process (again); its log file is kept across restarts.
  void start(Slot slot);
  // kill -9 and wait for the exit.
  void kill(Slot slot);
  bool running(Slot slot);
  bool started(Slot slot) const { return processes_.count(slot) != 0; }
  bool ready(Slot slot) const;
  // outbox_leader on a relay's /metrics is 1.
  bool leads(Slot slot) const;
  std::string apiUrl() const { return url(ports_.at(Slot::kApi)); }

  const testing::TempDatabase& source() const { return source_; }
  const testing::TempDatabase& replica() const { return replica_; }
  const testing::TempDatabase& notifications() const { return notifications_; }
  const Topics& topics() const { return topics_; }
  // What names the soak's mails: every customer's address contains it.
  const std::string& tag() const { return tag_; }

  long long scalar(const testing::TempDatabase& db, const std::string& sql) const;
  // replication-worker verify: exit code and report.
  testing::CommandResult verify() const;
  // The last lines of every process's log, for failure messages.
  std::string logTails() const;

 private:
  std::vector<std::string> launchArguments(Slot slot) const;
  std::unique_ptr<testing::ChildProcess> launch(Slot slot) const;
  static std::string url(std::uint16_t port);

  std::string tag_;
  testing::TempDatabase source_, replica_, notifications_;
  Topics topics_;
  std::string replication_group_, notification_group_, log_dir_;
  std::map<Slot, std::uint16_t> ports_;
  std::map<Slot, std::unique_ptr<testing::ChildProcess>> processes_;
};

}  // namespace soak
