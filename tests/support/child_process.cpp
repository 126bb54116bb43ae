#include "support/child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/test_env.hpp"

namespace testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path)
    : log_path_(log_path.empty() ? "/tmp/" + uniqueName("child") + ".log" : log_path),
      own_log_(log_path.empty()) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess needs an executable");
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int log =
        open(log_path_.c_str(), O_WRONLY | O_CREAT | (own_log_ ? O_TRUNC : O_APPEND), 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    execv(args[0], args.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    waitExit(std::chrono::seconds(5));
  }
  if (own_log_) std::remove(log_path_.c_str());
}

bool ChildProcess::running() {
  if (exit_code_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void ChildProcess::signal(int signal_number) {
  if (running()) kill(pid_, signal_number);
}

std::optional<int> ChildProcess::waitExit(std::chrono::milliseconds timeout) {
  waitUntil([&]() { return !running(); }, timeout, std::chrono::milliseconds(10));
  return exit_code_;
}

int ChildProcess::stop(int signal_number, std::chrono::milliseconds timeout) {
  signal(signal_number);
  if (!waitExit(timeout)) {
    signal(SIGKILL);
    waitExit(std::chrono::seconds(10));
  }
  return exit_code_.value_or(-1);
}

int ChildProcess::metricsPort() const {
  static const std::regex listening(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)");
  const std::string text = output();
  std::smatch match;
  return std::regex_search(text, match, listening) ? std::stoi(match[1].str()) : 0;
}

std::string ChildProcess::output() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::uint16_t freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace testing
