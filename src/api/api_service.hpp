#pragma once
// The rules every request goes through (edge policy, clean text, bearer auth,
// body limit) and the thread that answers it, by its route; independent of
// the HTTP server library.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "api/batched_reads.hpp"
#include "api/customer_handlers.hpp"
#include "api/customer_store.hpp"
#include "api/edge_policy.hpp"
#include "api/http_types.hpp"
#include "api/pipeline_handlers.hpp"
#include "api/route_table.hpp"
#include "api/worker_pool.hpp"
#include "core/metrics/registry.hpp"

namespace api {

struct ServiceOptions {
  std::size_t max_body_bytes = std::size_t{64} * 1024;
  // token -> name of whoever holds it; empty: no authentication.
  std::map<std::string, std::string> tokens;
  std::filesystem::path web_root;  // empty: no UI
  // Threads for requests that use the database; 0 answers them on the
  // calling thread (tests of the routing rules).
  std::size_t workers = 4;
  // Threads that read customers by id in batches; 0: reads go to the workers.
  std::size_t read_threads = 1;
  // Security headers, CORS allow-list, Host allow-list (authentication_on is
  // set from `tokens`).
  EdgeOptions edge;
};

// A request and its route, matched once: the server labels the request's
// metrics with it, the service answers it.
struct RoutedRequest {
  HttpRequest request;
  RouteMatch match;
};

class ApiService {
 public:
  // `views`: the pipeline's read-only views (event history); without them
  // those routes answer 503.
  ApiService(CustomerStore& store, core::metrics::Registry& metrics, ServiceOptions options,
             PipelineViews* views = nullptr);
  ~ApiService();  // finishes queued requests
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  // The answer, and who acted (the token's name, or "api").
  using Respond = std::function<void(HttpResponse, const std::string& actor)>;
  // Finds the request's route in the API's route table (api_routes.cpp).
  RoutedRequest route(HttpRequest request) const;
  // Answers on the calling thread when the route does not use the database,
  // otherwise hands the request to the batched readers or the workers, which
  // call `respond` on their own thread. Every request gets exactly one
  // answer, with the edge policy's headers; an unexpected exception becomes
  // a 500.
  void serve(RoutedRequest routed, Respond respond);

  void record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);
  // The security headers, for an answer made before routing (a refused request).
  void secure(HttpResponse& response) const { edge_.decorate(std::nullopt, response); }
  core::metrics::Registry& metrics() { return metrics_; }

 private:
  // Every endpoint of the API, one row each (api_routes.cpp).
  RouteTable apiRoutes();
  // The answer when the request does not reach its handler: text that is not
  // clean, then (on token routes) no valid token or a body over the limit,
  // then a method the path does not have.
  std::optional<HttpResponse> refusal(HttpRequest& request, const RouteMatch& match) const;
  std::optional<HttpResponse> authenticate(HttpRequest& request) const;
  HttpResponse answer(RoutedRequest& routed) const;

  CustomerStore& store_;
  CustomerHandlers handlers_;
  std::unique_ptr<PipelineHandlers> pipeline_;  // null without views
  core::metrics::Registry& metrics_;
  ServiceOptions options_;
  EdgePolicy edge_;
  const RouteTable routes_;  // after what its handlers use
  // Declared last: destroyed first, so queued requests finish while the rest is intact.
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<BatchedReads> reads_;
};

}  // namespace api
