#include "api/http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

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

using namespace Pistache;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool validRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
}

HttpRequest convert(const Http::Request& in) {
  HttpRequest out;
  out.method = Http::methodString(in.method());
  out.path = in.resource();
  for (const auto& header : in.headers().list()) {
    std::ostringstream value;
    header->write(value);
    out.headers[lower(header->name())] = value.str();
  }
  for (const auto& [name, raw] : in.headers().rawList()) out.headers[lower(name)] = raw.value();
  for (auto it = in.query().parameters_begin(); it != in.query().parameters_end(); ++it) {
    // Pistache splits the query but leaves the escapes in.
    auto name = urlDecode(it->first);
    auto value = urlDecode(it->second);
    out.query[name ? *name : it->first] = value ? *value : it->second;
  }
  out.body = in.body();
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

class PistacheHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)

  PistacheHandler(std::shared_ptr<ApiService> service, std::shared_ptr<InFlightRequests> in_flight,
                  std::shared_ptr<AccessLog> access_log)
      : service_(std::move(service)),
        in_flight_(std::move(in_flight)),
        access_log_(std::move(access_log)) {}

  void onRequest(const Http::Request& in, Http::ResponseWriter writer) override {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = convert(in);
    // What the answer needs of the request, kept while the service works.
    auto exchange =
        std::make_shared<Exchange>(Exchange{std::move(writer), request.request_id, request.method,
                                            request.path, keepAlive(request), started});
    if (!in_flight_->enter()) {
      exchange->keep_alive = false;
      finish(*exchange, errorResponse(503, "unavailable", "the server is shutting down"), "api",
             *service_, access_log_.get());
      return;
    }
    service_->serve(std::move(request),
                    [service = service_, in_flight = in_flight_, access_log = access_log_,
                     exchange](HttpResponse response, const std::string& actor) {
                      finish(*exchange, response, actor, *service, access_log.get(), in_flight);
                    });
  }

 private:
  struct Exchange {
    Http::ResponseWriter writer;
    std::string request_id;
    std::string method;
    std::string path;
    bool keep_alive;
    std::chrono::steady_clock::time_point started;
  };

  static bool keepAlive(const HttpRequest& request) {
    const auto connection = request.header("connection");
    return !connection || lower(*connection).find("close") == std::string::npos;
  }

  // Records, writes and logs the answer; runs on a reactor or a service
  // thread. `in_flight`, when given, is left whatever happens.
  static void finish(Exchange& exchange, const HttpResponse& response, const std::string& actor,
                     ApiService& service, AccessLog* access_log,
                     const std::shared_ptr<InFlightRequests>& in_flight = nullptr) {
    // Recorded before sending, so a client that reads /metrics next sees it.
    const auto elapsed = std::chrono::steady_clock::now() - exchange.started;
    service.record(ApiService::routeOf(exchange.path), exchange.method, response.status, elapsed);
    try {
      write(exchange, response);
    } catch (const std::exception& e) {
      spdlog::warn("request_id={} answer not sent: {}", exchange.request_id, e.what());
    }
    if (in_flight) in_flight->leave();
    if (access_log != nullptr) {
      access_log->record(exchange.request_id, exchange.method, exchange.path, response.status,
                         std::chrono::duration_cast<std::chrono::microseconds>(elapsed), actor);
    }
  }

  static void write(Exchange& exchange, const HttpResponse& response) {
    auto& writer = exchange.writer;
    for (const auto& [name, value] : response.headers) {
      writer.headers().add(std::make_shared<NamedHeader>(name, value));
    }
    writer.headers().add(std::make_shared<NamedHeader>("X-Request-Id", exchange.request_id));
    // Pistache says "Connection: close" when the client sent no Connection
    // header, while keeping the socket open; clients then reconnect each time.
    writer.headers().remove<Http::Header::Connection>();
    writer.headers().add<Http::Header::Connection>(
        exchange.keep_alive ? Http::ConnectionControl::KeepAlive : Http::ConnectionControl::Close);
    if (!response.content_type.empty()) {
      writer.setMime(Http::Mime::MediaType::fromString(response.content_type));
    }
    // The bytes are queued to the connection's reactor, which writes them.
    // (Pistache drops, without a word, a queued answer whose client left, so
    // its promise is no signal to wait for.)
    writer.send(static_cast<Http::Code>(response.status), response.body);
  }

  std::shared_ptr<ApiService> service_;
  std::shared_ptr<InFlightRequests> in_flight_;
  std::shared_ptr<AccessLog> access_log_;
};

}  // namespace

HttpServer::HttpServer(std::shared_ptr<ApiService> service, ServerOptions options)
    : service_(std::move(service)), options_(std::move(options)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  endpoint_ = std::make_unique<Http::Endpoint>(Address(options_.host, Port(options_.port)));
  endpoint_->init(Http::Endpoint::options()
                      .threads(options_.threads)
                      .threadsName("api")
                      .flags(Tcp::Options::ReuseAddr)
                      .maxRequestSize(options_.max_request_bytes)
                      .headerTimeout(options_.header_timeout)
                      .bodyTimeout(options_.body_timeout)
                      .keepaliveTimeout(options_.keepalive_timeout)
                      .maxResponseSize(16 * 1024 * 1024));
  in_flight_ = std::make_shared<InFlightRequests>();
  endpoint_->setHandler(
      Http::make_handler<PistacheHandler>(service_, in_flight_, options_.access_log));
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
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

}  // namespace api
