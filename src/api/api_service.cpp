#include "api/api_service.hpp"

#include <spdlog/spdlog.h>

#include "api/http_errors.hpp"
#include "api/text.hpp"
#include "api/url.hpp"
#include "core/logging/logging.hpp"
#include "core/text/utf8.hpp"

namespace api {

namespace {

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

// Nothing escapes into the server's threads: an unexpected exception is
// logged once and answered with a 500.
template <typename Answer>
auto safely(const HttpRequest& request, const Answer& answer) -> decltype(answer()) {
  try {
    return answer();
  } catch (const std::exception& e) {
    spdlog::error("unhandled error request_id={} method={} path={}: {}", request.request_id,
                  request.method, core::logging::printable(request.path), e.what());
    return errorResponse(500, "internal", "internal error; see the server log");
  }
}

}  // namespace

// Enough for any burst a pool can answer in one round trip, small enough for one query.
constexpr std::size_t kMaxReadBatch = 256;

ApiService::ApiService(CustomerStore& store, core::metrics::Registry& metrics,
                       ServiceOptions options, PipelineViews* views)
    : store_(store),
      handlers_(store),
      pipeline_(views ? std::make_unique<PipelineHandlers>(*views, store) : nullptr),
      metrics_(metrics),
      options_(std::move(options)),
      edge_([this]() {
        auto edge = options_.edge;
        edge.authentication_on = !options_.tokens.empty();
        return edge;
      }()),
      routes_(apiRoutes()) {
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

RoutedRequest ApiService::route(HttpRequest request) const {
  auto match = routes_.match(request.method, request.path);
  return RoutedRequest{std::move(request), std::move(match)};
}

void ApiService::serve(RoutedRequest routed, Respond respond_plain) {
  const HttpRequest& request = routed.request;
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
  if (auto refused = safely(request, [&] { return refusal(routed.request, routed.match); })) {
    respond(std::move(*refused), request.actor);
    return;
  }
  const RunsOn runs_on = routed.match.route->runs_on;
  if (runs_on == RunsOn::kCaller || !workers_) {
    auto response = answer(routed);
    respond(std::move(response), request.actor);
    return;
  }
  if (runs_on == RunsOn::kReader && reads_) {
    // An id that is not one goes to a worker, whose handler answers the 400.
    if (const auto id = parseId(routed.match.params.id)) {
      reads_->submit(*id, [respond = std::move(respond), id = *id,
                           actor = request.actor](const BatchedReads::Found& found) {
        respond(CustomerHandlers::getResponse(id, found), actor);
      });
      return;
    }
  }
  workers_->post([this, routed = std::move(routed), respond = std::move(respond)]() mutable {
    auto response = answer(routed);
    respond(std::move(response), routed.request.actor);
  });
}

std::optional<HttpResponse> ApiService::refusal(HttpRequest& request,
                                                const RouteMatch& match) const {
  if (auto refused = refuseUncleanText(request)) return refused;
  if (match.access == Access::kToken) {
    if (auto denied = authenticate(request)) return denied;
    if (request.body.size() > options_.max_body_bytes) {
      return errorResponse(
          413, "payload_too_large",
          "request body is larger than " + std::to_string(options_.max_body_bytes) + " bytes");
    }
  }
  if (!match.route) return methodNotAllowed(match.allow);
  return std::nullopt;
}

HttpResponse ApiService::answer(RoutedRequest& routed) const {
  return safely(routed.request,
                [&] { return routed.match.route->handler(routed.request, routed.match.params); });
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

}  // namespace api
