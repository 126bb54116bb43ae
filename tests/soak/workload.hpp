#pragma once
// Several API clients writing at once: creates, updates and deletes through
// customer-api, each client on its own customers. A client records only what
// the API acknowledged (201, 200, 204); a customer whose write got no answer
// (a restart, a 5xx) may or may not have changed, so the client leaves it
// alone from then on and its acknowledged versions stay exact.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/domain/events.hpp"

namespace soak {

struct AckedWrite {
  std::int64_t customer = 0;
  std::int32_t version = 0;
  core::domain::CrudEventType type = core::domain::CrudEventType::kCreated;
};

class Workload {
 public:
  // Customers' e-mail addresses carry `tag`; each client pauses `pause_ms` between writes.
  Workload(std::string api_url, std::string tag, int clients, int pause_ms);
  ~Workload();
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  void start();
  void stop();  // joins the clients
  // After stop(): every acknowledged write of every client.
  std::vector<AckedWrite> acknowledged() const;
  long long unanswered() const { return unanswered_; }

 private:
  void runClient(int client);

  std::string api_url_, tag_;
  int clients_, pause_ms_;
  std::atomic<bool> stopping_{false};
  std::atomic<long long> unanswered_{0};
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::vector<AckedWrite> acked_;
};

}  // namespace soak
