#pragma once
// Routing and the rules every request goes through (auth, body limit),
// independent of the HTTP server library.

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
#include "api/worker_pool.hpp"
#include "core/metrics/registry.hpp"

namespace api {

struct ServiceOptions {
  std::size_t max_body_bytes = 64 * 1024;
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

class ApiService {
 public:
  ApiService(CustomerStore& store, core::metrics::Registry& metrics, ServiceOptions options);
  ~ApiService();  // finishes queued requests
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  // The answer, and who acted (the token's name, or "api").
  using Respond = std::function<void(HttpResponse, const std::string& actor)>;
  // Answers on the calling thread when no database is involved, otherwise
  // hands the request to the batched readers or the workers, which call
  // `respond` on their own thread. Every request gets exactly one answer,
  // with the edge policy's headers.
  void serve(HttpRequest request, Respond respond);
  // Answers on the calling thread. Never throws: an unexpected exception becomes a 500.
  HttpResponse handle(HttpRequest& request);

  // The route template for metrics labels, e.g. "/api/customers/{id}".
  static std::string routeOf(const std::string& path);
  void record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);
  // The security headers, for an answer made before routing (a refused request).
  void secure(HttpResponse& response) const { edge_.decorate(std::nullopt, response); }
  core::metrics::Registry& metrics() { return metrics_; }

 private:
  HttpResponse dispatch(HttpRequest& request);
  HttpResponse customers(HttpRequest& request, const std::string& rest);
  HttpResponse staticFile(const HttpRequest& request);
  std::optional<HttpResponse> authenticate(HttpRequest& request) const;
  // The id of an authorised GET /api/customers/{id}, the one request that is batched.
  std::optional<std::int64_t> customerRead(HttpRequest& request) const;

  CustomerStore& store_;
  CustomerHandlers handlers_;
  core::metrics::Registry& metrics_;
  ServiceOptions options_;
  EdgePolicy edge_;
  // Declared last: destroyed first, so queued requests finish while the rest is intact.
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<BatchedReads> reads_;
};

}  // namespace api
