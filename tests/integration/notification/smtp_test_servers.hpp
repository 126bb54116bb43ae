#pragma once
// Stand-ins for an SMTP server in integration tests, each on a port of its own:
//  - closedPort(): a port that was just free; connecting is refused ("SMTP down").
//  - RejectingSmtpServer: answers RCPT TO with 550 (or another code). The
//    real sink (aiosmtpd) accepts every well-formed recipient, so a 4xx or 5xx
//    reply can only be forced with a fake server; it is used for nothing else.
//  - SlowSmtpProxy: forwards to the real sink, holding each chunk the client
//    sends for a fixed time. Every command before the server's final 250 is
//    slowed, nothing after it: the kill -9 test uses it to land its kill well
//    away from the (inherent, milliseconds-wide) window between the server
//    accepting a mail and the worker recording it.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace testing {

// A listening socket on 127.0.0.1 and an ephemeral port.
int listenOnLoopback(std::uint16_t& port);
std::uint16_t closedPort();

class RejectingSmtpServer {
 public:
  explicit RejectingSmtpServer(int rcpt_reply = 550);
  ~RejectingSmtpServer();
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  int rejected() const { return rejected_.load(); }

 private:
  void serve(int client);
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> rejected_{0};
  int rcpt_reply_;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> sessions_;
};

class SlowSmtpProxy {
 public:
  SlowSmtpProxy(std::uint16_t upstream_port, std::chrono::milliseconds client_delay);
  ~SlowSmtpProxy();
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

 private:
  void relay(int client);
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t upstream_port_;
  std::chrono::milliseconds delay_;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> sessions_;
};

}  // namespace testing
