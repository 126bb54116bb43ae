#pragma once
// One of the project's executables run as a child process by a test: its
// output goes to a log file the test can read, and it is killed (SIGKILL)
// when the object dies, so a failing test leaves no process behind.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace testing {

class ChildProcess {
 public:
  // argv[0] is the executable's path. stdout and stderr go to a fresh log
  // file, removed with the object; or, given `log_path`, are appended to that
  // file, which stays (one log across a kill and a restart).
  explicit ChildProcess(std::vector<std::string> argv, std::string log_path = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int signal_number);
  // The exit code, or 128 + signal when a signal ended it; nullopt on timeout.
  std::optional<int> waitExit(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends `signal_number` and waits for the exit (SIGKILL after `timeout`);
  // the exit code, or 128 + the signal that ended it.
  int stop(int signal_number, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string output() const;
  // The port of the status server a daemon started with "--metrics-address
  // 127.0.0.1:0", once it has logged it; 0 before.
  int metricsPort() const;
  const std::string& logPath() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_path_;
  bool own_log_ = true;  // a fresh log file, removed at the end
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it back).
std::uint16_t freePort();

}  // namespace testing
