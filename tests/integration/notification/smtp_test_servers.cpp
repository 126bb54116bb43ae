#include "integration/notification/smtp_test_servers.hpp"

#include <arpa/inet.h>
#include <poll.h>

#include <cctype>
#include <functional>

#include <stdexcept>

namespace testing {

namespace {

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

void writeAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Accepts connections until `stopping` and hands each to `session`.
void acceptLoop(int listener, std::atomic<bool>& stopping, std::mutex& mutex,
                std::vector<std::thread>& sessions, const std::function<void(int)>& session) {
  while (!stopping) {
    if (!readable(listener, 50)) continue;
    const int client = ::accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    std::lock_guard<std::mutex> lock(mutex);
    sessions.emplace_back(session, client);
  }
}

void joinAll(std::mutex& mutex, std::vector<std::thread>& sessions) {
  std::lock_guard<std::mutex> lock(mutex);
  for (auto& t : sessions) {
    if (t.joinable()) t.join();
  }
}

}  // namespace

int listenOnLoopback(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 16) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen on 127.0.0.1:0 failed");
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

std::uint16_t closedPort() {
  std::uint16_t port = 0;
  ::close(listenOnLoopback(port));
  return port;
}

RejectingSmtpServer::RejectingSmtpServer(int rcpt_reply) : rcpt_reply_(rcpt_reply) {
  listener_ = listenOnLoopback(port_);
  acceptor_ = std::thread([this]() {
    acceptLoop(listener_, stopping_, mutex_, sessions_, [this](int client) { serve(client); });
  });
}

RejectingSmtpServer::~RejectingSmtpServer() {
  stopping_ = true;
  acceptor_.join();
  joinAll(mutex_, sessions_);
  ::close(listener_);
}

void RejectingSmtpServer::serve(int client) {
  writeAll(client, "220 reject.test ESMTP\r\n");
  std::string buffer;
  char chunk[1024];
  while (!stopping_) {
    if (!readable(client, 50)) continue;
    const auto n = ::recv(client, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t end = 0;
    while ((end = buffer.find("\r\n")) != std::string::npos) {
      const std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      std::string verb = line.substr(0, 4);
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO" || verb == "HELO") {
        writeAll(client, "250 reject.test\r\n");
      } else if (verb == "MAIL" || verb == "RSET" || verb == "NOOP") {
        writeAll(client, "250 OK\r\n");
      } else if (verb == "RCPT") {
        ++rejected_;
        writeAll(client, rcpt_reply_ >= 500 ? "550 5.1.1 No such user here\r\n"
                                            : std::to_string(rcpt_reply_) +
                                                  " 4.2.1 Mailbox busy, try again later\r\n");
      } else if (verb == "QUIT") {
        writeAll(client, "221 Bye\r\n");
        ::close(client);
        return;
      } else {
        writeAll(client, "503 5.5.1 Bad sequence of commands\r\n");
      }
    }
  }
  ::close(client);
}

SlowSmtpProxy::SlowSmtpProxy(std::uint16_t upstream_port, std::chrono::milliseconds client_delay)
    : upstream_port_(upstream_port), delay_(client_delay) {
  listener_ = listenOnLoopback(port_);
  acceptor_ = std::thread([this]() {
    acceptLoop(listener_, stopping_, mutex_, sessions_, [this](int client) { relay(client); });
  });
}

SlowSmtpProxy::~SlowSmtpProxy() {
  stopping_ = true;
  acceptor_.join();
  joinAll(mutex_, sessions_);
  ::close(listener_);
}

void SlowSmtpProxy::relay(int client) {
  const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(upstream_port_);
  if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(upstream);
    ::close(client);
    return;
  }
  char chunk[16384];
  bool open = true;
  while (open && !stopping_) {
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (::poll(fds, 2, 50) <= 0) continue;
    if (fds[0].revents != 0) {
      const auto n = ::recv(client, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      // Injected latency, not a wait for a condition: the point of this proxy.
      std::this_thread::sleep_for(delay_);
      writeAll(upstream, std::string(chunk, static_cast<std::size_t>(n)));
    }
    if (fds[1].revents != 0) {
      const auto n = ::recv(upstream, chunk, sizeof chunk, 0);
      if (n <= 0)
        open = false;
      else
        writeAll(client, std::string(chunk, static_cast<std::size_t>(n)));
    }
  }
  ::close(upstream);
  ::close(client);
}

}  // namespace testing
