#pragma once
// A TCP forwarder in front of the test stack's Kafka, so that a test can cut
// one client off the brokers for a while without stopping the Kafka the
// other tests share. Kafka clients connect to the address the broker
// advertises in its metadata, not to the one they were given, so the
// forwarder rewrites the advertised port (127.0.0.1:<kafka port>) in every
// response to its own: the client then reaches the broker only through it.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace testing {

class KafkaForwarder {
 public:
  // Forwards 127.0.0.1:<a free port> to `brokers` (one "127.0.0.1:port").
  explicit KafkaForwarder(const std::string& brokers);
  ~KafkaForwarder();
  KafkaForwarder(const KafkaForwarder&) = delete;
  KafkaForwarder& operator=(const KafkaForwarder&) = delete;

  // What to give the client as its brokers.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Cut: every open connection is closed (before cut() returns, so nothing
  // sent afterwards reaches the broker) and new ones are closed at once, as
  // if the brokers were gone. Restore: connections are carried again.
  void cut();
  void restore();
  // Connections carried to the broker so far.
  int carried() const { return carried_.load(); }

 private:
  void acceptLoop();
  void pump(int client, int server, int generation);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t kafka_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> open_{true};
  std::atomic<int> generation_{0};  // bumped by cut(): older connections close
  std::atomic<int> carried_{0};
  std::atomic<int> live_{0};  // connections being carried now
  std::thread acceptor_;
  std::mutex pumps_mutex_;
  std::vector<std::thread> pumps_;
};

}  // namespace testing
