// The matching rules of RouteTable, on a small table of its own.

#include "api/route_table.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using api::Access;
using api::HttpRequest;
using api::HttpResponse;
using api::PathParams;
using api::Route;
using api::RouteHandler;
using api::RouteTable;
using api::RunsOn;

namespace {

// A handler whose answer's body names it, so a test sees which one matched.
RouteHandler named(const std::string& name) {
  return [name](HttpRequest&, const PathParams&) { return HttpResponse{200, "", {}, name}; };
}

std::string answerOf(const api::RouteMatch& match) {
  REQUIRE(match.route != nullptr);
  HttpRequest request;
  return match.route->handler(request, match.params).body;
}

RouteTable table() {
  return RouteTable(std::vector<Route>{
      {"GET", "/items", Access::kToken, RunsOn::kWorker, "/items", named("list")},
      {"POST", "/items", Access::kToken, RunsOn::kWorker, "/items", named("create")},
      {"GET", "/items/{id}", Access::kToken, RunsOn::kReader, "/items/{id}", named("get")},
      {"DELETE", "/items/{id}", Access::kToken, RunsOn::kWorker, "/items/{id}", named("delete")},
      {"GET", "/items/{id}/parts", Access::kToken, RunsOn::kWorker, "/items/{id}/parts",
       named("parts")},
      {"GET", "/", Access::kPublic, RunsOn::kCaller, "/", named("home")},
      {"*", "/items/*", Access::kToken, RunsOn::kCaller, "/items/unmatched", named("no item")},
      {"*", "*", Access::kPublic, RunsOn::kCaller, "/other", named("other")},
  });
}

}  // namespace

TEST_CASE("a route is the method and the pattern, and the pattern gives label and access") {
  const auto routes = table();
  auto match = routes.match("POST", "/items");
  CHECK(answerOf(match) == "create");
  CHECK(match.label == "/items");
  CHECK(match.access == Access::kToken);
  CHECK(match.route->runs_on == RunsOn::kWorker);
  CHECK(match.allow.empty());

  match = routes.match("GET", "/");
  CHECK(answerOf(match) == "home");
  CHECK(match.access == Access::kPublic);
}

TEST_CASE("{id} is one non-empty segment, handed over as sent") {
  const auto routes = table();
  auto match = routes.match("GET", "/items/42");
  CHECK(answerOf(match) == "get");
  CHECK(match.params.id == "42");
  CHECK(match.label == "/items/{id}");
  CHECK(match.route->runs_on == RunsOn::kReader);

  match = routes.match("GET", "/items/not-a-number");  // the handler decides what an id is
  CHECK(answerOf(match) == "get");
  CHECK(match.params.id == "not-a-number");

  match = routes.match("GET", "/items/7/parts");
  CHECK(answerOf(match) == "parts");
  CHECK(match.params.id == "7");

  // An empty segment is no id: these fall through to the wildcard patterns.
  CHECK(answerOf(routes.match("GET", "/items//parts")) == "no item");
  CHECK(routes.match("GET", "/items//parts").label == "/items/unmatched");
  CHECK(answerOf(routes.match("GET", "/items/7/parts/9")) == "no item");
}

TEST_CASE("trailing slashes do not count, other paths must match exactly") {
  const auto routes = table();
  CHECK(answerOf(routes.match("GET", "/items/")) == "list");
  CHECK(answerOf(routes.match("GET", "/items///")) == "list");
  CHECK(answerOf(routes.match("GET", "/items/3/")) == "get");
  CHECK(answerOf(routes.match("GET", "/itemsx")) == "other");
  CHECK(answerOf(routes.match("GET", "/Items")) == "other");
  CHECK(answerOf(routes.match("GET", "//items")) == "other");
  CHECK(answerOf(routes.match("OPTIONS", "*")) == "other");
}

TEST_CASE(
    "a method the pattern lacks is no route but a 405 with the pattern's methods in table order") {
  const auto routes = table();
  auto match = routes.match("PUT", "/items");
  CHECK(match.route == nullptr);
  CHECK(match.allow == "GET, POST");
  CHECK(match.label == "/items");
  CHECK(match.access == Access::kToken);

  match = routes.match("PATCH", "/items/5");
  CHECK(match.route == nullptr);
  CHECK(match.allow == "GET, DELETE");
  CHECK(match.label == "/items/{id}");

  CHECK(routes.match("get", "/items").route == nullptr);  // methods are case-sensitive
  CHECK(routes.match("HEAD", "/").allow == "GET");
}

TEST_CASE("a wildcard pattern takes any method and any rest of the path") {
  const auto routes = table();
  auto match = routes.match("DELETE", "/items/1/parts/2");
  CHECK(answerOf(match) == "no item");
  CHECK(match.label == "/items/unmatched");
  CHECK(match.access == Access::kToken);

  match = routes.match("BREW", "/teapot");
  CHECK(answerOf(match) == "other");
  CHECK(match.label == "/other");
  CHECK(match.access == Access::kPublic);
}

TEST_CASE("a table that could leave a request unmatched or ambiguous is refused at start-up") {
  const auto route = [](std::string method, std::string pattern, std::string label = "/x",
                        Access access = Access::kPublic) {
    return Route{std::move(method), std::move(pattern), access,
                 RunsOn::kCaller,   std::move(label),   named("x")};
  };
  const auto catch_all = route("*", "*", "/other");
  const auto build = [](std::vector<Route> routes) { return RouteTable(std::move(routes)); };

  CHECK_NOTHROW(build({catch_all}));
  CHECK_THROWS_AS(build({}), std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "/x")}), std::invalid_argument);  // no catch-all
  CHECK_THROWS_AS(build({catch_all, route("GET", "/x")}), std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "/x"), route("GET", "/x"), catch_all}),
                  std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "/x"), route("POST", "/x", "/y"), catch_all}),
                  std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "/x"), route("POST", "/x", "/x", Access::kToken), catch_all}),
                  std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "x"), catch_all}), std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "/x/*/y"), catch_all}), std::invalid_argument);
  CHECK_THROWS_AS(build({route("GET", "/x", ""), catch_all}), std::invalid_argument);
}
