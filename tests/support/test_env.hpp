#pragma once
// What integration tests share: the services' addresses (from the
// environment that setup/test-startup.sh writes), unique names, throwaway
// databases, deadline-bounded waiting, and running the project's binaries.

#include <chrono>
#include <functional>
#include <string>

namespace testing {

// The value of an environment variable the test stack must set; throws with
// a message naming the variable and the script when it is missing.
std::string requiredEnv(const char* name);

std::string pgUrlBase();     // postgresql://postgres@127.0.0.1:15433
std::string kafkaBrokers();  // 127.0.0.1:19092

// The pipeline's PostgreSQL roles (sql/README.md, "Roles and grants"). A
// project process under test logs in with its own role, as in production;
// fixture SQL keeps the superuser (pgUrlBase()).
enum class Role { kOwner, kApi, kRelay, kReplication, kNotification };
// `database` on the test server as `role`, e.g. roleUrl(Role::kRelay, db.name()).
// Built from the stack's per-role URLs in var/test/env; the password comes
// from the PGPASSFILE exported there.
std::string roleUrl(Role role, const std::string& database);

// "prefix_<pid>_<counter>_<random>": unique across tests and runs.
std::string uniqueName(const std::string& prefix);

// A fresh database, dropped (with its connections) when the object dies.
class TempDatabase {
 public:
  explicit TempDatabase(const std::string& prefix);
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }  // as the superuser
  std::string urlAs(Role role) const { return roleUrl(role, name_); }

 private:
  std::string name_;
  std::string url_;
};

// Polls predicate until it is true or the deadline passes.
bool waitUntil(const std::function<bool()>& predicate,
               std::chrono::milliseconds timeout = std::chrono::seconds(30),
               std::chrono::milliseconds interval = std::chrono::milliseconds(20));

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line and collects its output and exit code.
CommandResult runCommand(const std::string& command_line);
// Lines in an output (a one-line error is 1).
std::size_t lineCount(const std::string& text);

// Absolute path of a built executable, e.g. binaryPath("src/api/customer-api").
std::string binaryPath(const std::string& relative);
std::string sourcePath(const std::string& relative);

}  // namespace testing
