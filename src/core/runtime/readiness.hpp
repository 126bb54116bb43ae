#pragma once
// What a daemon's /readyz reports: one problem per dependency it needs (the
// database, the brokers, ...), read by the status server's thread while the
// daemon's threads set them. Each dependency starts as "starting", so a
// daemon is not ready before it has checked everything once.

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace core::runtime {

class Readiness {
 public:
  // `dependencies` in the order problem() reports them. With `log_changes`,
  // a dependency that stops answering is logged once at warn and its
  // recovery once at info (daemons that log their own state pass false).
  explicit Readiness(std::vector<std::string> dependencies, bool log_changes = true);

  // Empty `problem`: the dependency answers again. Unknown names are added.
  void set(const std::string& dependency, const std::string& problem);
  // Empty when every dependency answers, else "name: problem; name: problem".
  std::string problem() const;
  bool ready() const { return problem().empty(); }

 private:
  const bool log_changes_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> problems_;  // dependency -> problem
};

}  // namespace core::runtime
