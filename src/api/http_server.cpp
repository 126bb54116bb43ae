#include "api/http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "api/client_connection.hpp"
#include "api/server_context.hpp"

namespace api {

namespace {

using namespace Pistache;

constexpr const char* kConnectionData = "api.connection";

// Pistache's connection events, handed to ClientConnection. Requests are
// framed by our RequestParser, not Pistache's: Pistache's parser gives no
// answer to many malformed requests and a 500 with its exception text to others.
class PistacheHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)

  explicit PistacheHandler(std::shared_ptr<ServerContext> context) : context_(std::move(context)) {}

  void onRequest(const Http::Request&, Http::ResponseWriter) override {}  // never called

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    if (auto connection = find(peer)) connection->clientLeft();
  }

 private:
  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    // Pistache's idle-peer check reads a parser of its own on every peer.
    peer->putData(ParserData, std::make_shared<Http::RequestParser>(1024));
    auto connection = std::make_shared<ClientConnection>(context_, this, transport(), peer);
    peer->putData(kConnectionData, connection);
    if (static_cast<std::size_t>(context_->open->load()) > context_->max_connections) {
      connection->refuseConnection();
    }
  }

  void onInput(const char* buffer, size_t length, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto connection = find(peer);
    if (!connection) return;
    auto& framing = connection->framing();
    if (framing.phase() == HttpConnection::Phase::kClosing) {
      // Pistache reads as long as bytes keep coming and writes only after:
      // write the closing answer now, or a client that never stops sending
      // would never get it.
      transport()->flush();
      connection->dropInput(length);
      return;
    }
    const auto begun_before = framing.requestsBegun();
    if (!framing.received(std::string_view(buffer, length))) {
      connection->abort();
      return;
    }
    connection->updateDeadline(peer, begun_before);
  }

  static std::shared_ptr<ClientConnection> find(const std::shared_ptr<Tcp::Peer>& peer) {
    return std::static_pointer_cast<ClientConnection>(peer->tryGetData(kConnectionData));
  }

  std::shared_ptr<ServerContext> context_;
};

}  // namespace

HttpServer::HttpServer(std::shared_ptr<ApiService> service, ServerOptions options)
    : service_(std::move(service)), options_(std::move(options)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  auto context = std::make_shared<ServerContext>(service_);
  context->in_flight = in_flight_ = std::make_shared<InFlightRequests>();
  context->access_log = options_.access_log;
  context->limits = options_.limits;
  context->max_connections = options_.max_connections;
  context_ = context;
  service_->metrics().gauge("http_connections_open", "Client connections open now",
                            [open = context->open]() { return static_cast<double>(open->load()); });

  endpoint_ = std::make_unique<Http::Endpoint>(Address(options_.host, Port(options_.port)));
  endpoint_->init(Http::Endpoint::options()
                      .threads(options_.threads)
                      .threadsName("api")
                      .flags(Tcp::Options::ReuseAddr)
                      .headerTimeout(options_.header_timeout)
                      .bodyTimeout(options_.body_timeout)
                      .keepaliveTimeout(options_.keepalive_timeout)
                      .maxResponseSize(std::size_t{16} * 1024 * 1024));
  endpoint_->setHandler(Http::make_handler<PistacheHandler>(context));
  endpoint_->serveThreaded();
}

std::uint16_t HttpServer::port() const {
  return static_cast<std::uint16_t>(endpoint_->getPort());
}

void HttpServer::stop() {
  if (in_flight_) {
    // New requests get 503 from here on; those in progress are answered first.
    if (const auto left = in_flight_->drain(options_.drain_timeout); left > 0) {
      spdlog::warn(
          "{} requests still in progress after {} s; stopping anyway", left,
          std::chrono::duration_cast<std::chrono::seconds>(options_.drain_timeout).count());
    }
    // The last answers are queued, not yet written: give the reactors a moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (context_) context_->stopping = true;
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

}  // namespace api
