#pragma once
// The read-only /api endpoints the web UI shows the pipeline with: HTTP in,
// PipelineViews call, HTTP out.

#include <cstdint>

#include "api/customer_store.hpp"
#include "api/http_types.hpp"
#include "api/pipeline_views.hpp"

namespace api {

inline constexpr std::size_t kDefaultHistoryEvents = 50;
inline constexpr std::size_t kMaxHistoryEvents = 200;

class PipelineHandlers {
 public:
  PipelineHandlers(PipelineViews& views, CustomerStore& store) : views_(views), store_(store) {}

  // GET /api/customers/{id}/history[?limit=N]
  HttpResponse history(const HttpRequest& request, std::int64_t id);
  // GET /api/pipeline
  HttpResponse status(const HttpRequest& request);

 private:
  PipelineViews& views_;
  CustomerStore& store_;
};

}  // namespace api
