// The API's route table: every endpoint is one row here, and nowhere else
// decides which handler answers a path, on which thread, or its metrics label.

#include "api/api_service.hpp"
#include "api/http_errors.hpp"
#include "api/openapi.hpp"
#include "api/static_files.hpp"
#include "api/text.hpp"

namespace api {

RouteTable ApiService::apiRoutes() {
  const RouteHandler health = [](HttpRequest&, const PathParams&) {
    return HttpResponse{200, "application/json", {}, R"({"status":"ok"})"};
  };
  const RouteHandler ready = [this](HttpRequest&, const PathParams&) {
    if (auto ping = store_.ping(); !ping) {
      return errorResponse(503, "unavailable", "database unreachable: " + ping.error().message);
    }
    return HttpResponse{200, "application/json", {}, R"({"status":"ready"})"};
  };
  const RouteHandler metrics_page = [this](HttpRequest&, const PathParams&) {
    return HttpResponse{200, "text/plain; version=0.0.4", {}, metrics_.render()};
  };
  const RouteHandler openapi = [](HttpRequest&, const PathParams&) {
    return HttpResponse{200, "application/json", {}, openApiDocument()};
  };
  const auto customers = [this](HttpResponse (CustomerHandlers::*handle)(const HttpRequest&)) {
    return RouteHandler([this, handle](HttpRequest& request, const PathParams&) {
      return (handlers_.*handle)(request);
    });
  };
  // The {id} of the path checked once for every route that has one.
  using ByCustomerId = std::function<HttpResponse(HttpRequest&, std::int64_t)>;
  const auto with_customer_id = [](const ByCustomerId& handle) {
    return RouteHandler([handle](HttpRequest& request, const PathParams& params) {
      const auto id = parseId(params.id);
      if (!id) {
        return errorResponse(400, "bad_request", "customer id must be a positive 64-bit integer",
                             {{"id", "'" + params.id.substr(0, 40) + "' is not a customer id"}});
      }
      return handle(request, *id);
    });
  };
  const auto customer = [this, with_customer_id](HttpResponse (CustomerHandlers::*handle)(
                            const HttpRequest&, std::int64_t)) {
    return with_customer_id([this, handle](HttpRequest& request, std::int64_t id) {
      return (handlers_.*handle)(request, id);
    });
  };
  const auto history = with_customer_id([this](HttpRequest& request, std::int64_t id) {
    if (!pipeline_) return errorResponse(503, "unavailable", "pipeline views are not configured");
    return pipeline_->history(request, id);
  });
  const RouteHandler pipeline_status = [this](HttpRequest& request, const PathParams&) {
    if (!pipeline_) return errorResponse(503, "unavailable", "pipeline views are not configured");
    return pipeline_->status(request);
  };
  const RouteHandler no_api_resource = [](HttpRequest& request, const PathParams&) {
    return errorResponse(404, "not_found", "no API resource at " + request.path);
  };
  const RouteHandler web_ui = [this](HttpRequest& request, const PathParams&) {
    return staticFile(options_.web_root, request);
  };

  const auto anyone = Access::kPublic;
  const auto token = Access::kToken;
  const auto caller = RunsOn::kCaller;
  const auto worker = RunsOn::kWorker;
  const auto reader = RunsOn::kReader;
  const std::string customers_path = "/api/customers";
  const std::string customer_path = "/api/customers/{id}";
  const std::string history_path = "/api/customers/{id}/history";
  // A path matches the first pattern that fits; a method its pattern lacks is a 405.
  std::vector<Route> routes = {
      // method, pattern, access, runs on, metrics label, handler
      {"GET", "/healthz", anyone, caller, "/healthz", health},
      {"GET", "/readyz", anyone, worker, "/readyz", ready},
      {"GET", "/metrics", anyone, caller, "/metrics", metrics_page},
      {"GET", "/openapi.json", anyone, caller, "/openapi.json", openapi},
      {"GET", customers_path, token, worker, customers_path, customers(&CustomerHandlers::list)},
      {"POST", customers_path, token, worker, customers_path, customers(&CustomerHandlers::create)},
      {"GET", customer_path, token, reader, customer_path, customer(&CustomerHandlers::get)},
      {"PUT", customer_path, token, worker, customer_path, customer(&CustomerHandlers::replace)},
      {"PATCH", customer_path, token, worker, customer_path, customer(&CustomerHandlers::patch)},
      {"DELETE", customer_path, token, worker, customer_path, customer(&CustomerHandlers::remove)},
      {"GET", history_path, token, worker, history_path, history},
      {"GET", "/api/pipeline", token, worker, "/api/pipeline", pipeline_status},
      {"*", "/api/*", token, caller, "/api/unmatched", no_api_resource},
      // Labelled /static since before the route table; kept so that no series moves.
      {"*", "/api", token, caller, "/static", no_api_resource},
      {"*", "*", anyone, caller, "/static", web_ui},
  };
  return RouteTable(std::move(routes));
}

}  // namespace api
