#include "api/http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "api/url.hpp"
#include "core/domain/events.hpp"

namespace api {

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
  NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
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

  explicit PistacheHandler(std::shared_ptr<ApiService> service) : service_(std::move(service)) {}

  void onRequest(const Http::Request& in, Http::ResponseWriter writer) override {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request = convert(in);
    HttpResponse response = service_->handle(request);

    for (const auto& [name, value] : response.headers) {
      writer.headers().add(std::make_shared<NamedHeader>(name, value));
    }
    writer.headers().add(std::make_shared<NamedHeader>("X-Request-Id", request.request_id));
    // Pistache says "Connection: close" when the client sent no Connection
    // header, while keeping the socket open; clients then reconnect each time.
    const auto connection = request.header("connection");
    if (!connection || lower(*connection).find("close") == std::string::npos) {
      writer.headers().remove<Http::Header::Connection>();
      writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    }
    if (!response.content_type.empty()) {
      writer.setMime(Http::Mime::MediaType::fromString(response.content_type));
    }
    // Recorded before sending, so a client that reads /metrics next sees it.
    const auto elapsed = std::chrono::steady_clock::now() - started;
    service_->record(ApiService::routeOf(request.path), request.method, response.status, elapsed);
    writer.send(static_cast<Http::Code>(response.status), response.body);

    spdlog::info("request_id={} method={} path={} status={} duration_us={} actor={}",
                 request.request_id, request.method, request.path, response.status,
                 std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count(),
                 request.actor);
  }

 private:
  std::shared_ptr<ApiService> service_;
};

}  // namespace

HttpServer::HttpServer(std::shared_ptr<ApiService> service, ServerOptions options)
    : service_(std::move(service)), options_(std::move(options)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  endpoint_ = std::make_unique<Http::Endpoint>(Address(options_.host, Port(options_.port)));
  endpoint_->init(Http::Endpoint::options()
                      .threads(options_.threads)
                      .threadsName("api")
                      .flags(Tcp::Options::ReuseAddr)
                      .maxRequestSize(options_.max_request_bytes)
                      .maxResponseSize(16 * 1024 * 1024));
  endpoint_->setHandler(Http::make_handler<PistacheHandler>(service_));
  endpoint_->serveThreaded();
}

std::uint16_t HttpServer::port() const { return static_cast<std::uint16_t>(endpoint_->getPort()); }

void HttpServer::stop() {
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

}  // namespace api
