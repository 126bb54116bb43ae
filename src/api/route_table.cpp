#include "api/route_table.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace api {

namespace {

constexpr std::string_view kIdSegment = "{id}";

// "/api/customers/" is "/api/customers"; "/" stays "/".
std::string_view withoutTrailingSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

bool matches(std::string_view pattern, std::string_view path, PathParams& params) {
  if (!pattern.empty() && pattern.back() == '*') {
    pattern.remove_suffix(1);
    return path.substr(0, pattern.size()) == pattern;
  }
  std::string_view id;
  std::size_t in_pattern = 0;
  std::size_t in_path = 0;
  for (;;) {
    const auto pattern_end = std::min(pattern.find('/', in_pattern), pattern.size());
    const auto path_end = std::min(path.find('/', in_path), path.size());
    const auto want = pattern.substr(in_pattern, pattern_end - in_pattern);
    const auto got = path.substr(in_path, path_end - in_path);
    if (want == kIdSegment) {
      if (got.empty()) return false;
      id = got;
    } else if (want != got) {
      return false;
    }
    if (pattern_end == pattern.size() || path_end == path.size()) {
      if (pattern_end != pattern.size() || path_end != path.size()) return false;
      params.id = std::string(id);
      return true;
    }
    in_pattern = pattern_end + 1;
    in_path = path_end + 1;
  }
}

void check(const std::vector<Route>& routes) {
  const auto fail = [](const Route& route, const std::string& problem) {
    throw std::invalid_argument("route " + route.method + " " + route.pattern + ": " + problem);
  };
  if (routes.empty() || routes.back().method != "*" || routes.back().pattern != "*") {
    throw std::invalid_argument("a route table must end with a route for any method and path");
  }
  for (auto it = routes.begin(); it != routes.end(); ++it) {
    if (it->method.empty() || it->label.empty() || !it->handler) {
      fail(*it, "needs a method, a label and a handler");
    }
    const auto star = it->pattern.find('*');
    if (it->pattern.empty() || (it->pattern.front() != '/' && it->pattern != "*") ||
        (star != std::string::npos && star + 1 != it->pattern.size())) {
      fail(*it, "a pattern starts with '/' and has '*' at its end only");
    }
    for (auto earlier = routes.begin(); earlier != it; ++earlier) {
      if (earlier->pattern != it->pattern) continue;
      if (earlier->method == it->method) fail(*it, "appears twice");
      if (earlier->access != it->access || earlier->label != it->label) {
        fail(*it, "has another access or label than the pattern's first route");
      }
    }
  }
}

}  // namespace

RouteTable::RouteTable(std::vector<Route> routes) : routes_(std::move(routes)) {
  check(routes_);
}

RouteMatch RouteTable::match(const std::string& method, const std::string& raw_path) const {
  const auto path = withoutTrailingSlashes(raw_path);
  RouteMatch found;
  // The constructor made sure the last pattern matches every path.
  const auto first = std::find_if(routes_.begin(), routes_.end(), [&](const Route& route) {
    return matches(route.pattern, path, found.params);
  });
  found.label = first->label;
  found.access = first->access;
  for (auto it = first; it != routes_.end(); ++it) {
    if (it->pattern != first->pattern) continue;
    if (it->method == method || it->method == "*") {
      found.route = &*it;
      found.allow.clear();
      return found;
    }
    found.allow += (found.allow.empty() ? "" : ", ") + it->method;
  }
  return found;
}

}  // namespace api
