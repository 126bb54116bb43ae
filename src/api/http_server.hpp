#pragma once
// The Pistache side of the API (with client_connection.*, nothing else
// includes Pistache). Pistache accepts connections, reads and writes bytes
// and enforces the deadlines; requests are framed by HttpConnection, handed to
// ApiService, and the HttpResponse is written back from whichever thread
// answers.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/access_log.hpp"
#include "api/api_service.hpp"
#include "api/request_parser.hpp"

namespace Pistache::Http {
class Endpoint;
}

namespace api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (tests), read back with port()
  int threads = 2;
  // Request line, headers and body; what is over them is refused at once
  // (414, 431, 413) and the connection closed.
  RequestLimits limits;
  // Connections beyond this get 503 and are closed; the descriptor limit must
  // allow two per connection (each answer's socket has a duplicate of ours).
  std::size_t max_connections = 1000;
  std::chrono::milliseconds drain_timeout{
      10000};  // stop() waits this long for requests in progress
  // A connection is closed (with 408 when a request was under way) when its
  // request line and headers, or its body, take longer than these, or when
  // it sits idle between requests longer than keepalive_timeout. Pistache
  // checks every 0.5 s.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds keepalive_timeout{60000};
  // The access log (null: none).
  std::shared_ptr<AccessLog> access_log;
};

class InFlightRequests;
struct ServerContext;

class HttpServer {
 public:
  HttpServer(std::shared_ptr<ApiService> service, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and serves on background threads; throws when it cannot bind.
  void start();
  std::uint16_t port() const;
  // Answers new requests with 503, waits for those in progress to be
  // answered, then stops the reactor threads.
  void stop();

 private:
  std::shared_ptr<ApiService> service_;
  ServerOptions options_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  std::shared_ptr<InFlightRequests> in_flight_;
  std::shared_ptr<ServerContext> context_;
};

}  // namespace api
