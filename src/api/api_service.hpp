#pragma once
// Routing and the rules every request goes through (auth, body limit),
// independent of the HTTP server library.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "api/customer_handlers.hpp"
#include "api/customer_store.hpp"
#include "api/http_types.hpp"
#include "core/metrics/registry.hpp"

namespace api {

struct ServiceOptions {
  std::size_t max_body_bytes = 64 * 1024;
  // token -> name of whoever holds it; empty: no authentication.
  std::map<std::string, std::string> tokens;
  std::filesystem::path web_root;  // empty: no UI
};

class ApiService {
 public:
  ApiService(CustomerStore& store, core::metrics::Registry& metrics, ServiceOptions options);

  // Never throws: an unexpected exception becomes a 500.
  HttpResponse handle(HttpRequest& request);

  // The route template for metrics labels, e.g. "/api/customers/{id}".
  static std::string routeOf(const std::string& path);
  void record(const std::string& route, const std::string& method, int status,
              std::chrono::steady_clock::duration elapsed);

 private:
  HttpResponse dispatch(HttpRequest& request);
  HttpResponse customers(HttpRequest& request, const std::string& rest);
  HttpResponse staticFile(const HttpRequest& request);
  std::optional<HttpResponse> authenticate(HttpRequest& request) const;

  CustomerStore& store_;
  CustomerHandlers handlers_;
  core::metrics::Registry& metrics_;
  ServiceOptions options_;
};

}  // namespace api
