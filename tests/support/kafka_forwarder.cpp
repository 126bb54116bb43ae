#include "support/kafka_forwarder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace testing {

namespace {

constexpr int kPollMillis = 50;  // how soon a loop sees a cut or the end
const std::string kHost = "127.0.0.1";

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// "127.0.0.1" and the port as the Kafka protocol writes a broker's address
// (the host string, then the port as a big-endian int32).
std::string advertised(std::uint16_t port) {
  std::string out = kHost;
  out.push_back('\0');
  out.push_back('\0');
  out.push_back(static_cast<char>(port >> 8));
  out.push_back(static_cast<char>(port & 0xff));
  return out;
}

bool writeAll(int fd, const char* data, std::size_t size) {
  for (std::size_t done = 0; done < size;) {
    const auto written = write(fd, data + done, size - done);
    if (written <= 0) return false;
    done += static_cast<std::size_t>(written);
  }
  return true;
}

// Client to broker: copied as it comes. False at end of stream or on an error.
bool copyRequests(int client, int server) {
  char buffer[64 * 1024];
  const auto n = read(client, buffer, sizeof buffer);
  return n > 0 && writeAll(server, buffer, static_cast<std::size_t>(n));
}

// Broker to client: whole responses (a 4-byte size, then the body), each
// with the broker's advertised address replaced by the forwarder's.
bool copyResponses(int server, int client, std::string& pending, const std::string& from,
                   const std::string& to) {
  char buffer[64 * 1024];
  const auto n = read(server, buffer, sizeof buffer);
  if (n <= 0) return false;
  pending.append(buffer, static_cast<std::size_t>(n));
  while (pending.size() >= 4) {
    const auto* size_bytes = reinterpret_cast<const unsigned char*>(pending.data());
    const std::size_t size = (std::size_t{size_bytes[0]} << 24) |
                             (std::size_t{size_bytes[1]} << 16) |
                             (std::size_t{size_bytes[2]} << 8) | size_bytes[3];
    if (pending.size() < 4 + size) break;
    std::string frame = pending.substr(0, 4 + size);
    pending.erase(0, 4 + size);
    for (auto at = frame.find(from); at != std::string::npos; at = frame.find(from, at + 1)) {
      frame.replace(at, from.size(), to);
    }
    if (!writeAll(client, frame.data(), frame.size())) return false;
  }
  return true;
}

}  // namespace

KafkaForwarder::KafkaForwarder(const std::string& brokers) {
  const auto colon = brokers.rfind(':');
  if (colon == std::string::npos || brokers.substr(0, colon) != kHost) {
    throw std::invalid_argument("KafkaForwarder: expected one 127.0.0.1:port, got " + brokers);
  }
  kafka_port_ = static_cast<std::uint16_t>(std::stoi(brokers.substr(colon + 1)));
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  socklen_t length = sizeof addr;
  if (bind(listener_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    close(listener_);
    throw std::runtime_error("KafkaForwarder: cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this]() { acceptLoop(); });
}

KafkaForwarder::~KafkaForwarder() {
  stopping_ = true;
  acceptor_.join();
  close(listener_);
  std::lock_guard<std::mutex> lock(pumps_mutex_);
  for (auto& pump : pumps_) pump.join();
}

void KafkaForwarder::cut() {
  open_ = false;
  ++generation_;
  while (live_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void KafkaForwarder::restore() {
  open_ = true;
}

void KafkaForwarder::acceptLoop() {
  while (!stopping_) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, kPollMillis) <= 0) continue;
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    // Taken before open_ is read: a connection accepted across a cut() is
    // of the older generation, so its pump closes it before carrying a byte.
    const int generation = generation_.load();
    const int server = open_ ? socket(AF_INET, SOCK_STREAM, 0) : -1;
    const auto addr = loopback(kafka_port_);
    if (server < 0 || connect(server, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      if (server >= 0) close(server);
      close(client);  // cut: the client sees the connection end at once
      continue;
    }
    ++carried_;
    ++live_;
    std::lock_guard<std::mutex> lock(pumps_mutex_);
    pumps_.emplace_back([this, client, server, generation]() { pump(client, server, generation); });
  }
}

void KafkaForwarder::pump(int client, int server, int generation) {
  const auto from = advertised(kafka_port_);
  const auto to = advertised(port_);
  std::string pending;
  pollfd ends[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (!stopping_ && generation_ == generation) {
    if (poll(ends, 2, kPollMillis) <= 0) continue;
    if ((ends[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !copyRequests(client, server)) {
      break;
    }
    if ((ends[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
        !copyResponses(server, client, pending, from, to)) {
      break;
    }
  }
  close(client);
  close(server);
  --live_;
}

}  // namespace testing
