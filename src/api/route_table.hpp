#pragma once
// Which handler answers a request: one table of routes (method, path
// pattern, access, thread, metrics label, handler), matched once per request.
// A new endpoint is one row. Pure, so every matching rule is unit-tested.

#include <functional>
#include <string>
#include <vector>

#include "api/http_types.hpp"

namespace api {

// Who may call a route: anyone, or (when tokens are configured) the bearer of
// one. Token routes are also the ones with a request body limit.
enum class Access { kPublic, kToken };

// Where a route's handler runs. A handler that waits for the database never
// runs on a reactor thread, which serves many connections.
enum class RunsOn {
  kCaller,  // the thread that routed the request (a reactor): no database
  kWorker,  // a worker thread, with a pooled connection while it runs
  kReader,  // a batched reader (many customers by id in one query), else a worker
};

// The variable parts of a matched path.
struct PathParams {
  std::string id;  // the {id} segment as sent: not yet known to be a valid id
};

using RouteHandler = std::function<HttpResponse(HttpRequest&, const PathParams&)>;

struct Route {
  std::string method;  // "GET", "POST", ...; "*": any method
  // '/'-separated segments of literal text or "{id}" (one non-empty
  // segment); a trailing '*' matches any rest, so "*" alone matches every path.
  std::string pattern;
  Access access = Access::kPublic;
  RunsOn runs_on = RunsOn::kCaller;
  std::string label;  // the route label of http_requests_total and the latency histogram
  RouteHandler handler;
};

struct RouteMatch {
  // The route that answers; null when the path's pattern has no route for
  // the method, which is answered 405 with `allow`.
  const Route* route = nullptr;
  std::string allow;  // the methods of the path's pattern, e.g. "GET, POST"
  std::string label;
  Access access = Access::kPublic;
  PathParams params;
};

class RouteTable {
 public:
  // Checked once, at start-up (std::invalid_argument): the routes of one
  // pattern share access and label, no method and pattern appear twice, and
  // the last route takes any method and path, so every request matches.
  explicit RouteTable(std::vector<Route> routes);

  // The first pattern in table order that matches the path (without its
  // trailing slashes), and that pattern's route for the method.
  RouteMatch match(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace api
