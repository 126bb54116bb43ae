#pragma once
// The /api/customers endpoints: HTTP in, store call, HTTP out.

#include <cstdint>

#include "api/customer_store.hpp"
#include "api/http_types.hpp"

namespace api {

class CustomerHandlers {
 public:
  explicit CustomerHandlers(CustomerStore& store) : store_(store) {}

  HttpResponse list(const HttpRequest& request);
  HttpResponse create(const HttpRequest& request);
  HttpResponse get(const HttpRequest& request, std::int64_t id);
  // The answer to GET /api/customers/{id} once the customer was looked up.
  static HttpResponse getResponse(std::int64_t id,
                                  const core::Result<std::optional<core::domain::Customer>>& found);
  HttpResponse replace(const HttpRequest& request, std::int64_t id);
  HttpResponse patch(const HttpRequest& request, std::int64_t id);
  HttpResponse remove(const HttpRequest& request, std::int64_t id);

 private:
  CustomerStore& store_;
};

}  // namespace api
