#pragma once
// A raw TCP connection to 127.0.0.1:port: no HTTP client between the test and
// the bytes it sends, so tests can send what no client library would.

#include <chrono>
#include <string>
#include <utility>

namespace testing {

class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the server has closed its side (EPIPE or reset).
  bool send(const std::string& bytes);
  // Reads until the server closes the connection or `limit` passes: what
  // arrived, and whether it was closed.
  std::pair<std::string, bool> readUntilClosed(std::chrono::milliseconds limit);
  // Reads until `text` has arrived or `limit` passes; what arrived.
  std::string readUntil(const std::string& text, std::chrono::milliseconds limit);

 private:
  int fd_;
};

}  // namespace testing
