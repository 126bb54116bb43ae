#include "api/client_connection.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/http_errors.hpp"
#include "api/incoming_request.hpp"

namespace api {

namespace {

using namespace Pistache;

// A connection that was answered with "close" and still sends is cut off
// after this long, or this much input, whichever comes first.
constexpr auto kLinger = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = std::size_t{1024} * 1024;

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

}  // namespace

ClientConnection::ClientConnection(std::shared_ptr<ServerContext> context, Http::Handler* handler,
                                   Tcp::Transport* transport,
                                   const std::shared_ptr<Tcp::Peer>& peer)
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

ClientConnection::~ClientConnection() {
  const auto phase = framing_.phase();
  if (!client_left_ && !context_->stopping &&
      (phase == HttpConnection::Phase::kHead || phase == HttpConnection::Phase::kBody)) {
    // Pistache closed it mid-request (and answered 408): a deadline passed.
    context_->refusals.record(
        phase == HttpConnection::Phase::kHead ? "header_timeout" : "body_timeout", 408,
        "the request did not arrive in time");
  }
  if (socket_ >= 0) close(socket_);
  context_->open->fetch_sub(1);
}

void ClientConnection::refuseConnection() {
  framing_.closeNow();
  context_->refusals.record(
      "too_many_connections", 503,
      "more than " + std::to_string(context_->max_connections) + " connections");
  send(Http::Version::Http11, errorResponse(503, "unavailable", "too many connections"), "", true);
}

void ClientConnection::abort() {
  context_->refusals.record("pipeline_overflow", 400, "too much pipelined input");
  if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
}

void ClientConnection::dropInput(std::size_t length) {
  const auto since = closing_since_.load();
  dropped_bytes_ += length;
  if (since == 0) return;  // the answer is not written yet
  const bool long_enough = std::chrono::steady_clock::now().time_since_epoch().count() - since >
                           std::chrono::nanoseconds(kLinger).count();
  if ((long_enough || dropped_bytes_ > kLingerBytes) && socket_ >= 0) {
    ::shutdown(socket_, SHUT_RD);
  }
}

void ClientConnection::updateDeadline(const std::shared_ptr<Tcp::Peer>& peer,
                                      std::uint64_t begun_before) {
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

void ClientConnection::dispatch(ParsedRequest parsed) {
  Exchange exchange{
      parsed.http10, parsed.keep_alive, std::chrono::steady_clock::now(), "", "", "", ""};
  // Routed once: the metrics label and the handler come from the same match.
  RoutedRequest routed = context_->service->route(toHttpRequest(std::move(parsed)));
  exchange.request_id = routed.request.request_id;
  exchange.method = routed.request.method;
  exchange.path = routed.request.path;
  exchange.route = routed.match.label;
  if (!context_->in_flight->enter()) {
    exchange.keep_alive = false;
    finish(exchange, errorResponse(503, "unavailable", "the server is shutting down"), "api",
           false);
    return;
  }
  context_->service->serve(std::move(routed),
                           [self = shared_from_this(), exchange](const HttpResponse& response,
                                                                 const std::string& actor) {
                             self->finish(exchange, response, actor, true);
                           });
}

void ClientConnection::refuse(const FramingError& error) {
  context_->refusals.record(error.reason, error.status, error.message);
  send(Http::Version::Http11, framingRefusal(error), "", true);
}

void ClientConnection::sendContinue() {
  if (auto peer = peer_.lock()) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    peer->send(RawBuffer(kContinue.data(), kContinue.size()));
  }
}

void ClientConnection::finish(const Exchange& exchange, const HttpResponse& response,
                              const std::string& actor, bool entered) {
  // Recorded before sending, so a client that reads /metrics next sees it.
  const auto elapsed = std::chrono::steady_clock::now() - exchange.started;
  context_->service->record(exchange.route, exchange.method, response.status, elapsed);
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

void ClientConnection::send(Http::Version version, HttpResponse response,
                            const std::string& request_id, bool close) {
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
                   [](const std::exception_ptr&) {});
    }
  } catch (const std::exception& e) {
    spdlog::warn("request_id={} answer not sent: {}", request_id, e.what());
  }
}

void ClientConnection::shutdownWrite() {
  closing_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
  if (socket_ >= 0) ::shutdown(socket_, SHUT_WR);
}

}  // namespace api
