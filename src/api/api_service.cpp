#include "api/api_service.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "api/http_errors.hpp"
#include "api/openapi.hpp"
#include "api/url.hpp"
#include "core/logging/logging.hpp"
#include "core/text/utf8.hpp"

namespace api {

namespace {

constexpr const char* kCustomersPath = "/api/customers";

std::string normalise(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool isCleanText(const std::string& text) {
  if (!core::text::isStorableText(text)) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

// The path (after its escapes are decoded) and every query parameter must be
// UTF-8 without control characters: they reach logs, SQL and other systems.
std::optional<HttpResponse> refuseUncleanText(const HttpRequest& request) {
  const auto path = urlDecode(request.path);
  if (!path || !isCleanText(*path)) {
    return errorResponse(400, "bad_request",
                         "the path is not UTF-8 text without control characters",
                         {{"path", "must be UTF-8 without control characters"}});
  }
  FieldErrors errors;
  for (const auto& [name, value] : request.query) {
    if (!isCleanText(name)) {
      errors["query"] = "has a parameter name that is not UTF-8 without control characters";
    } else if (!isCleanText(value)) {
      errors[name] = "must be UTF-8 without control characters";
    }
  }
  if (!errors.empty()) return errorResponse(400, "bad_request", "invalid query parameters", errors);
  return std::nullopt;
}

bool constantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

const char* mimeOf(const std::filesystem::path& path) {
  const auto ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

// Enough for any burst a pool can answer in one round trip, small enough for one query.
constexpr std::size_t kMaxReadBatch = 256;

ApiService::ApiService(CustomerStore& store, core::metrics::Registry& metrics,
                       ServiceOptions options)
    : store_(store),
      handlers_(store),
      metrics_(metrics),
      options_(std::move(options)),
      edge_([this]() {
        auto edge = options_.edge;
        edge.authentication_on = !options_.tokens.empty();
        return edge;
      }()) {
  if (options_.workers == 0) return;
  workers_ = std::make_unique<WorkerPool>(options_.workers);
  metrics_.gauge("api_worker_queue_length", "Requests waiting for a worker thread",
                 [this]() { return static_cast<double>(workers_->queued()); });
  if (options_.read_threads == 0) return;
  auto& batch_sizes =
      metrics_.histogram("api_read_batch_size", "Customers read by one batched query", {},
                         {1, 2, 4, 8, 16, 32, 64, 128, 256});
  reads_ = std::make_unique<BatchedReads>(
      options_.read_threads, kMaxReadBatch,
      [&store](const std::vector<std::int64_t>& ids) { return store.getMany(ids); }, &batch_sizes);
  metrics_.gauge("api_read_queue_length", "Reads by id waiting for a reader thread",
                 [this]() { return static_cast<double>(reads_->queued()); });
}

ApiService::~ApiService() = default;

void ApiService::serve(HttpRequest request, Respond respond_plain) {
  Respond respond = [this, origin = request.header("origin"),
                     respond_plain = std::move(respond_plain)](HttpResponse response,
                                                               const std::string& actor) {
    edge_.decorate(origin, response);
    respond_plain(std::move(response), actor);
  };
  if (auto screened = edge_.screen(request)) {
    respond(std::move(*screened), request.actor);
    return;
  }
  const std::string path = normalise(request.path);
  const bool uses_database = path == "/readyz" || path == "/api" || path.rfind("/api/", 0) == 0;
  if (!uses_database || !workers_) {
    auto response = handle(request);
    respond(std::move(response), request.actor);
    return;
  }
  if (reads_) {
    if (auto id = customerRead(request)) {
      reads_->submit(*id, [respond = std::move(respond), id = *id,
                           actor = request.actor](BatchedReads::Found found) {
        respond(CustomerHandlers::getResponse(id, found), actor);
      });
      return;
    }
  }
  workers_->post([this, request = std::move(request), respond = std::move(respond)]() mutable {
    auto response = handle(request);
    respond(std::move(response), request.actor);
  });
}

std::optional<std::int64_t> ApiService::customerRead(HttpRequest& request) const {
  const std::string prefix = std::string(kCustomersPath) + "/";
  const std::string path = normalise(request.path);
  if (request.method != "GET" || path.rfind(prefix, 0) != 0) return std::nullopt;
  // handle() answers (or refuses) anything else: a body, bad auth, query parameters.
  if (!request.body.empty() || !request.query.empty() || authenticate(request)) {
    return std::nullopt;
  }
  return parseId(path.substr(prefix.size()));
}

std::string ApiService::routeOf(const std::string& raw_path) {
  const std::string path = normalise(raw_path);
  if (path == kCustomersPath) return path;
  if (path.rfind(std::string(kCustomersPath) + "/", 0) == 0 &&
      path.find('/', std::string(kCustomersPath).size() + 1) == std::string::npos) {
    return "/api/customers/{id}";
  }
  if (path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/openapi.json") {
    return path;
  }
  if (path.rfind("/api/", 0) == 0) return "/api/unmatched";
  return "/static";
}

void ApiService::record(const std::string& route, const std::string& method, int status,
                        std::chrono::steady_clock::duration elapsed) {
  metrics_
      .counter("http_requests_total", "HTTP requests by route, method and status",
               {{"route", route}, {"method", method}, {"status", std::to_string(status)}})
      .increment();
  metrics_.histogram("http_request_duration_seconds", "HTTP request latency", {{"route", route}})
      .observe(std::chrono::duration<double>(elapsed).count());
}

HttpResponse ApiService::handle(HttpRequest& request) {
  try {
    return dispatch(request);
  } catch (const std::exception& e) {
    spdlog::error("unhandled error request_id={} method={} path={}: {}", request.request_id,
                  request.method, core::logging::printable(request.path), e.what());
    return errorResponse(500, "internal", "internal error; see the server log");
  }
}

std::optional<HttpResponse> ApiService::authenticate(HttpRequest& request) const {
  if (options_.tokens.empty()) return std::nullopt;
  const auto header = request.header("authorization");
  const std::string prefix = "Bearer ";
  if (header && header->rfind(prefix, 0) == 0) {
    const std::string presented = header->substr(prefix.size());
    for (const auto& [token, name] : options_.tokens) {
      if (constantTimeEquals(token, presented)) {
        request.actor = name;
        return std::nullopt;
      }
    }
  }
  return errorResponse(401, "unauthorized", "a valid bearer token is required")
      .with("WWW-Authenticate", "Bearer");
}

HttpResponse ApiService::dispatch(HttpRequest& request) {
  if (auto refused = refuseUncleanText(request)) return *refused;
  const std::string path = normalise(request.path);
  if (path == "/healthz") {
    if (request.method != "GET") return methodNotAllowed("GET");
    return HttpResponse{200, "application/json", {}, R"({"status":"ok"})"};
  }
  if (path == "/readyz") {
    if (request.method != "GET") return methodNotAllowed("GET");
    if (auto ready = store_.ping(); !ready) {
      return errorResponse(503, "unavailable", "database unreachable: " + ready.error().message);
    }
    return HttpResponse{200, "application/json", {}, R"({"status":"ready"})"};
  }
  if (path == "/metrics") {
    if (request.method != "GET") return methodNotAllowed("GET");
    return HttpResponse{200, "text/plain; version=0.0.4", {}, metrics_.render()};
  }
  if (path == "/openapi.json") {
    if (request.method != "GET") return methodNotAllowed("GET");
    return HttpResponse{200, "application/json", {}, openApiDocument()};
  }
  if (path == kCustomersPath || path.rfind(std::string(kCustomersPath) + "/", 0) == 0 ||
      path.rfind("/api/", 0) == 0 || path == "/api") {
    if (auto denied = authenticate(request)) return *denied;
    if (request.body.size() > options_.max_body_bytes) {
      return errorResponse(
          413, "payload_too_large",
          "request body is larger than " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (path == kCustomersPath) return customers(request, "");
    if (path.rfind(std::string(kCustomersPath) + "/", 0) == 0) {
      return customers(request, path.substr(std::string(kCustomersPath).size() + 1));
    }
    return errorResponse(404, "not_found", "no API resource at " + request.path);
  }
  return staticFile(request);
}

HttpResponse ApiService::customers(HttpRequest& request, const std::string& rest) {
  const std::string& m = request.method;
  if (rest.empty()) {
    if (m == "GET") return handlers_.list(request);
    if (m == "POST") return handlers_.create(request);
    return methodNotAllowed("GET, POST");
  }
  if (rest.find('/') != std::string::npos) {
    return errorResponse(404, "not_found", "no API resource at " + request.path);
  }
  if (m != "GET" && m != "PUT" && m != "PATCH" && m != "DELETE") {
    return methodNotAllowed("GET, PUT, PATCH, DELETE");
  }
  const auto id = parseId(rest);
  if (!id) {
    return errorResponse(400, "bad_request", "customer id must be a positive 64-bit integer",
                         {{"id", "'" + rest.substr(0, 40) + "' is not a customer id"}});
  }
  if (m == "GET") return handlers_.get(request, *id);
  if (m == "PUT") return handlers_.replace(request, *id);
  if (m == "PATCH") return handlers_.patch(request, *id);
  return handlers_.remove(request, *id);
}

HttpResponse ApiService::staticFile(const HttpRequest& request) {
  if (options_.web_root.empty()) return notFound("page " + request.path);
  if (request.method != "GET") return methodNotAllowed("GET");
  std::string relative = request.path == "/" ? "index.html" : request.path.substr(1);
  // Only plain names under web_root: no "..", no absolute paths, no hidden files.
  for (const auto& part : std::filesystem::path(relative)) {
    const auto text = part.string();
    if (text.empty() || text == ".." || text[0] == '.' || part.is_absolute()) {
      return notFound("page " + request.path);
    }
  }
  const auto file = options_.web_root / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return notFound("page " + request.path);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return HttpResponse{200, mimeOf(file), {{"Cache-Control", "no-cache"}}, contents.str()};
}

}  // namespace api
