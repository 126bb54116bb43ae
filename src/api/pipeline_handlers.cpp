#include "api/pipeline_handlers.hpp"

#include "api/http_errors.hpp"
#include "api/text.hpp"

namespace api {

HttpResponse PipelineHandlers::history(const HttpRequest& request, std::int64_t id) {
  std::size_t limit = kDefaultHistoryEvents;
  if (auto text = request.param("limit")) {
    const auto n = parseId(*text);
    if (!n || *n > static_cast<std::int64_t>(kMaxHistoryEvents)) {
      return errorResponse(
          400, "bad_request", "invalid query parameters",
          {{"limit", "must be an integer from 1 to " + std::to_string(kMaxHistoryEvents)}});
    }
    limit = static_cast<std::size_t>(*n);
  }
  auto history = views_.history(id, limit);
  if (!history) return errorResponse(history.error());
  if (history->events.empty()) {
    // Nothing retained: a customer that exists has simply had its events
    // pruned; one that never existed (or is deleted and pruned) is a 404.
    auto customer = store_.get(id);
    if (!customer) return errorResponse(customer.error());
    if (!*customer)
      return errorResponse(404, "not_found", "no events of customer " + std::to_string(id));
  }
  HttpResponse response;
  response.body = encodeHistory(id, history->events, history->emails_known);
  return response;
}

HttpResponse PipelineHandlers::status(const HttpRequest&) {
  auto outbox = views_.outbox();
  if (!outbox) return errorResponse(outbox.error());
  HttpResponse response;
  response.body = encodePipelineStatus(*outbox, views_.figures());
  return response;
}

}  // namespace api
