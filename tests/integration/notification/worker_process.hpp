#pragma once
// The notification-worker binary run as a child process, its stdout and
// stderr in a log file; killed with SIGKILL if still running at the end.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "integration/notification/notification_fixture.hpp"
#include "support/test_env.hpp"

namespace testing {

inline std::string workerBinary() {
  return binaryPath("src/workers/notification/notification-worker");
}

class WorkerProcess {
 public:
  explicit WorkerProcess(const std::vector<std::string>& args)
      : log_("/tmp/" + uniqueName("notification-worker") + ".log") {
    const std::string binary = workerBinary();
    std::vector<std::string> words = {binary};
    words.insert(words.end(), args.begin(), args.end());
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      if (freopen(log_.c_str(), "w", stderr) == nullptr) _exit(126);
      dup2(fileno(stderr), fileno(stdout));
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
  }
  ~WorkerProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(log_.c_str());
  }
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  bool running() {
    if (exited_) return false;
    if (waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }
  // Sends `signal` and waits for the exit; the exit code, or 128 + signal.
  int stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    if (running()) kill(pid_, signal);
    if (!waitUntil([&]() { return !running(); }, timeout)) {
      kill(pid_, SIGKILL);
      waitUntil([&]() { return !running(); });
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }
  std::string output() const { return readWholeFile(log_); }
  // The status server's port, once the worker logged it (0 before).
  int metricsPort() const {
    std::smatch match;
    const std::string text = output();
    static const std::regex listening(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)");
    return std::regex_search(text, match, listening) ? std::stoi(match[1].str()) : 0;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

// The worker's flags for a fixture's database and topics.
inline std::vector<std::string> workerArgs(const NotificationFixture& f,
                                           const std::string& smtp_url, const std::string& group) {
  return {"--database-url",    f.db().url(),
          "--brokers",         kafkaBrokers(),
          "--smtp-url",        smtp_url,
          "--topic",           f.topic(),
          "--retry-topic",     f.retryTopic(),
          "--failed-topic",    f.failedTopic(),
          "--group-id",        group,
          "--metrics-address", "127.0.0.1:0",
          "--retry-base-ms",   "200",
          "--retry-max-ms",    "400",
          "--smtp-from",       "tests@example.com"};
}

}  // namespace testing
