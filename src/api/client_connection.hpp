#pragma once
// One accepted connection: its requests (HttpConnection) and the socket side
// of its answers. Pistache keeps it in the peer's data, answers keep it while
// they are written; the last owner closes the duplicate socket.

#include <pistache/http.h>
#include <pistache/peer.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http_connection.hpp"
#include "api/server_context.hpp"

namespace api {

class ClientConnection : public RequestSink, public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(std::shared_ptr<ServerContext> context, Pistache::Http::Handler* handler,
                   Pistache::Tcp::Transport* transport,
                   const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  ~ClientConnection() override;

  HttpConnection& framing() { return framing_; }
  void clientLeft() { client_left_ = true; }

  // One connection too many: 503 and close, before any request.
  void refuseConnection();
  // More than a request's worth arrived while one was being answered.
  void abort();
  // Input after an answer that closes is dropped; a client that keeps
  // sending is cut off once it has had time to read that answer.
  void dropInput(std::size_t length);
  // Keeps Pistache's idle-peer check (every 0.5 s) right about this
  // connection: it reads the time of the peer's parser's last reset, the
  // parser's step and the peer's idle flag. Reactor thread only.
  void updateDeadline(const std::shared_ptr<Pistache::Tcp::Peer>& peer, std::uint64_t begun_before);

  void dispatch(ParsedRequest parsed) override;
  void refuse(const FramingError& error) override;
  void sendContinue() override;

 private:
  // What the answer needs of the request, kept while the service works.
  struct Exchange {
    bool http10;
    bool keep_alive;
    std::chrono::steady_clock::time_point started;
    std::string request_id;
    std::string method;
    std::string path;
    std::string route;  // the metrics label of the request's route
  };

  // Records, writes and logs the answer; runs on a reactor or a service thread.
  void finish(const Exchange& exchange, const HttpResponse& response, const std::string& actor,
              bool entered);
  // Queues the answer to the connection's reactor, which writes it; an answer
  // that closes shuts the socket down once written.
  void send(Pistache::Http::Version version, HttpResponse response, const std::string& request_id,
            bool close);
  void shutdownWrite();

  std::shared_ptr<ServerContext> context_;
  Pistache::Http::Handler* handler_;
  Pistache::Tcp::Transport* transport_;
  std::weak_ptr<Pistache::Tcp::Peer> peer_;
  const int socket_;
  std::atomic<bool> client_left_{false};
  std::atomic<std::int64_t> closing_since_{0};
  std::uint64_t body_step_for_ = 0;  // reactor thread only
  std::size_t dropped_bytes_ = 0;    // reactor thread only
  HttpConnection framing_;           // last: its sink is this object
};

}  // namespace api
