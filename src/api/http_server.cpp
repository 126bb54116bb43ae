#include "api/http_server.hpp"

#include <fcntl.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/http_connection.hpp"
#include "api/http_errors.hpp"
#include "api/url.hpp"
#include "core/domain/events.hpp"

namespace api {

// Requests handed to the service and not yet answered. stop() waits for them
// before it stops the reactors that write the answers.
struct InFlightRequests {
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t count = 0;
  bool draining = false;

  bool enter() {
    std::lock_guard<std::mutex> lock(mutex);
    if (draining) return false;
    ++count;
    return true;
  }
  void leave() {
    std::lock_guard<std::mutex> lock(mutex);
    if (--count == 0) idle.notify_all();
  }
};

namespace {
constexpr int kRefusalLogLinesPerSecond = 5;
}  // namespace

// What every connection of one server shares.
struct ServerContext {
  std::shared_ptr<ApiService> service;
  std::shared_ptr<InFlightRequests> in_flight;
  std::shared_ptr<AccessLog> access_log;
  RequestLimits limits;
  std::size_t max_connections = 0;
  std::shared_ptr<std::atomic<std::int64_t>> open = std::make_shared<std::atomic<std::int64_t>>(0);
  std::atomic<bool> stopping{false};

  // A refusal is counted, and logged unless refusals come faster than a few
  // a second (a flood must not flood the log): the rest are counted in the
  // next line that is written.
  void refused(const std::string& reason, int status, const std::string& detail) {
    service->metrics()
        .counter("http_refused_requests_total",
                 "Requests and connections refused before routing, by reason and status",
                 {{"reason", reason}, {"status", std::to_string(status)}})
        .increment();
    std::lock_guard<std::mutex> lock(log_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (now - log_window >= std::chrono::seconds(1)) {
      log_window = now;
      log_lines = 0;
    }
    if (++log_lines > kRefusalLogLinesPerSecond) {
      ++log_suppressed;
      return;
    }
    spdlog::warn("refused: {} {} ({}){}", status, reason, detail,
                 log_suppressed == 0
                     ? std::string()
                     : "; " + std::to_string(log_suppressed) + " more refusals not logged");
    log_suppressed = 0;
  }

 private:
  std::mutex log_mutex;
  std::chrono::steady_clock::time_point log_window;
  int log_lines = 0;
  std::uint64_t log_suppressed = 0;
};

namespace {

using namespace Pistache;

constexpr const char* kConnectionData = "api.connection";
// A connection that was answered with "close" and still sends is cut off
// after this long, or this much input, whichever comes first.
constexpr auto kLinger = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1024 * 1024;

std::string errorCode(int status) {
  switch (status) {
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 417: return "expectation_failed";
    case 431: return "headers_too_large";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    case 505: return "version_not_supported";
    default: return "bad_request";
  }
}

bool validRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

HttpRequest toHttpRequest(ParsedRequest in) {
  HttpRequest out;
  out.method = std::move(in.method);
  out.path = std::move(in.path);
  for (std::size_t start = 0; start < in.query.size();) {
    const auto amp = std::min(in.query.find('&', start), in.query.size());
    const auto pair = in.query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const auto raw_name = pair.substr(0, equals);
    const auto raw_value = equals == std::string::npos ? std::string() : pair.substr(equals + 1);
    auto name = urlDecode(raw_name);
    auto value = urlDecode(raw_value);
    // The first of repeated parameters counts.
    out.query.emplace(name ? *name : raw_name, value ? *value : raw_value);
  }
  for (auto& [name, value] : in.headers) {
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  out.body = std::move(in.body);
  auto id = out.header("x-request-id");
  out.request_id = id && validRequestId(*id) ? *id : core::domain::newUuid();
  return out;
}

// Pistache 0.0.5 does not write "raw" response headers, only typed ones: this
// typed header carries any name and value.
class NamedHeader : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  std::uint64_t hash() const override { return Http::Header::detail::hash(name_.c_str()); }
  void write(std::ostream& stream) const override { stream << value_; }

 private:
  std::string name_;
  std::string value_;
};

// One accepted connection: its requests (HttpConnection) and the socket side
// of its answers. Pistache keeps it in the peer's data, answers keep it while
// they are written; the last owner closes the duplicate socket.
class ClientConnection : public RequestSink, public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(std::shared_ptr<ServerContext> context, Http::Handler* handler,
                   Tcp::Transport* transport, const std::shared_ptr<Tcp::Peer>& peer)
      : context_(std::move(context)),
        handler_(handler),
        transport_(transport),
        peer_(peer),
        // Our own descriptor of the socket: shutdown() on it is safe from any
        // thread, while Pistache's may be closed and reused at any time.
        socket_(fcntl(peer->fd(), F_DUPFD_CLOEXEC, 0)),
        framing_(context_->limits, *this) {
    context_->open->fetch_add(1);
  }

  ~ClientConnection() override {
    const auto phase = framing_.phase();
    if (!client_left_ && !context_->stopping &&
        (phase == HttpConnection::Phase::kHead || phase == HttpConnection::Phase::kBody)) {
      // Pistache closed it mid-request (and answered 408): a deadline passed.
      context_->refused(phase == HttpConnection::Phase::kHead ? "header_timeout" : "body_timeout",
                        408, "the request did not arrive in time");
    }
    if (socket_ >= 0) close(socket_);
    context_->open->fetch_sub(1);
  }

  HttpConnection& framing() { return framing_; }
  void clientLeft() { client_left_ = true; }

  // One connection too many: 503 and close, before any request.
  void refuseConnection() {
    framing_.closeNow();
    context_->refused("too_many_connections", 503,
                      "more than " + std::to_string(context_->max_connections) + " connections");
    send(Http::Version::Http11, errorResponse(503, "unavailable", "too many connections"), "",
         true);
  }

  // More than a request's worth arrived while one was being answered.
  void abort() {
    context_->refused("pipeline_overflow", 400, "too much pipelined input");
    if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
  }

  // Input after an answer that closes is dropped; a client that keeps
  // sending is cut off once it has had time to read that answer.
  void dropInput(std::size_t length) {
    const auto since = closing_since_.load();
    dropped_bytes_ += length;
    if (since == 0) return;  // the answer is not written yet
    const bool long_enough = std::chrono::steady_clock::now().time_since_epoch().count() - since >
                             std::chrono::nanoseconds(kLinger).count();
    if ((long_enough || dropped_bytes_ > kLingerBytes) && socket_ >= 0) {
      ::shutdown(socket_, SHUT_RD);
    }
  }

  // Keeps Pistache's idle-peer check (every 0.5 s) right about this
  // connection: it reads the time of the peer's parser's last reset, the
  // parser's step and the peer's idle flag. Reactor thread only.
  void updateDeadline(const std::shared_ptr<Tcp::Peer>& peer, std::uint64_t begun_before) {
    auto parser = Http::Handler::getParser(peer);
    const auto begun = framing_.requestsBegun();
    switch (framing_.phase()) {
      case HttpConnection::Phase::kIdle:  // keep-alive deadline from now
        parser->reset();
        peer->setIdle(true);
        break;
      case HttpConnection::Phase::kHead:  // header deadline from the request's first byte
        if (begun != begun_before) parser->reset();
        peer->setIdle(false);
        break;
      case HttpConnection::Phase::kBody:  // body deadline, also from the first byte
        if (begun != begun_before) parser->reset();
        if (body_step_for_ != begun) {
          // Pistache applies the body deadline once its parser is in the body step.
          static const std::string kHead = "POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\n";
          parser->feed(kHead.data(), kHead.size());
          parser->parse();
          body_step_for_ = begun;
        }
        peer->setIdle(false);
        break;
      case HttpConnection::Phase::kBusy:  // no deadline for our own work: keep-alive's
        parser->reset();
        peer->setIdle(true);
        break;
      case HttpConnection::Phase::kClosing: break;
    }
  }

  void dispatch(ParsedRequest parsed) override {
    Exchange exchange{
        parsed.http10, parsed.keep_alive, std::chrono::steady_clock::now(), "", "", ""};
    HttpRequest request = toHttpRequest(std::move(parsed));
    exchange.request_id = request.request_id;
    exchange.method = request.method;
    exchange.path = request.path;
    if (!context_->in_flight->enter()) {
      exchange.keep_alive = false;
      finish(exchange, errorResponse(503, "unavailable", "the server is shutting down"), "api",
             false);
      return;
    }
    context_->service->serve(
        std::move(request),
        [self = shared_from_this(), exchange](HttpResponse response, const std::string& actor) {
          self->finish(exchange, response, actor, true);
        });
  }

  void refuse(const FramingError& error) override {
    context_->refused(error.reason, error.status, error.message);
    send(Http::Version::Http11,
         errorResponse(error.status, errorCode(error.status), error.message,
                       {{error.field, error.message}}),
         "", true);
  }

  void sendContinue() override {
    if (auto peer = peer_.lock()) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      peer->send(RawBuffer(kContinue.data(), kContinue.size()));
    }
  }

 private:
  // What the answer needs of the request, kept while the service works.
  struct Exchange {
    bool http10;
    bool keep_alive;
    std::chrono::steady_clock::time_point started;
    std::string request_id;
    std::string method;
    std::string path;
  };

  // Records, writes and logs the answer; runs on a reactor or a service thread.
  void finish(const Exchange& exchange, const HttpResponse& response, const std::string& actor,
              bool entered) {
    // Recorded before sending, so a client that reads /metrics next sees it.
    const auto elapsed = std::chrono::steady_clock::now() - exchange.started;
    context_->service->record(ApiService::routeOf(exchange.path), exchange.method, response.status,
                              elapsed);
    send(exchange.http10 ? Http::Version::Http10 : Http::Version::Http11, response,
         exchange.request_id, !exchange.keep_alive);
    if (entered) context_->in_flight->leave();
    framing_.answered(!exchange.keep_alive);
    if (context_->access_log) {
      context_->access_log->record(
          exchange.request_id, exchange.method, exchange.path, response.status,
          std::chrono::duration_cast<std::chrono::microseconds>(elapsed), actor);
    }
  }

  // Queues the answer to the connection's reactor, which writes it; an answer
  // that closes shuts the socket down once written.
  void send(Http::Version version, HttpResponse response, const std::string& request_id,
            bool close) {
    if (request_id.empty()) context_->service->secure(response);
    try {
      Http::ResponseWriter writer(version, transport_, handler_, peer_);
      for (const auto& [name, value] : response.headers) {
        writer.headers().add(std::make_shared<NamedHeader>(name, value));
      }
      if (!request_id.empty()) {
        writer.headers().add(std::make_shared<NamedHeader>("X-Request-Id", request_id));
      }
      writer.headers().add<Http::Header::Connection>(close ? Http::ConnectionControl::Close
                                                           : Http::ConnectionControl::KeepAlive);
      if (!response.content_type.empty()) {
        writer.setMime(Http::Mime::MediaType::fromString(response.content_type));
      }
      auto written = writer.send(static_cast<Http::Code>(response.status), response.body);
      // (Pistache drops, without a word, an answer whose client left: then
      // nothing follows, and nothing needs to.)
      if (close) {
        written.then([self = shared_from_this()](ssize_t) { self->shutdownWrite(); },
                     [](std::exception_ptr) {});
      }
    } catch (const std::exception& e) {
      spdlog::warn("request_id={} answer not sent: {}", request_id, e.what());
    }
  }

  void shutdownWrite() {
    closing_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
    if (socket_ >= 0) ::shutdown(socket_, SHUT_WR);
  }

  std::shared_ptr<ServerContext> context_;
  Http::Handler* handler_;
  Tcp::Transport* transport_;
  std::weak_ptr<Tcp::Peer> peer_;
  const int socket_;
  std::atomic<bool> client_left_{false};
  std::atomic<std::int64_t> closing_since_{0};
  std::uint64_t body_step_for_ = 0;  // reactor thread only
  std::size_t dropped_bytes_ = 0;    // reactor thread only
  HttpConnection framing_;           // last: its sink is this object
};

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
  auto context = std::make_shared<ServerContext>();
  context->service = service_;
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
                      .maxResponseSize(16 * 1024 * 1024));
  endpoint_->setHandler(Http::make_handler<PistacheHandler>(context));
  endpoint_->serveThreaded();
}

std::uint16_t HttpServer::port() const {
  return static_cast<std::uint16_t>(endpoint_->getPort());
}

void HttpServer::stop() {
  if (in_flight_) {
    // New requests get 503 from here on; those in progress are answered first.
    std::unique_lock<std::mutex> lock(in_flight_->mutex);
    in_flight_->draining = true;
    if (!in_flight_->idle.wait_for(lock, options_.drain_timeout,
                                   [&] { return in_flight_->count == 0; })) {
      spdlog::warn(
          "{} requests still in progress after {} s; stopping anyway", in_flight_->count,
          std::chrono::duration_cast<std::chrono::seconds>(options_.drain_timeout).count());
    }
    // The last answers are queued, not yet written: give the reactors a moment.
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (context_) context_->stopping = true;
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

}  // namespace api
