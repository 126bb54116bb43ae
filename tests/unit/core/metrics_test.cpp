#include "core/metrics/registry.hpp"

#include <doctest/doctest.h>

using core::metrics::Registry;

TEST_CASE("counters, gauges and histograms render in the Prometheus text format") {
  Registry registry;
  registry.counter("requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).increment(3);
  registry.counter("requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).increment();
  registry.gauge("pool_in_use", "In use", []() { return 2.0; });
  auto& h = registry.histogram("latency_seconds", "Latency", {}, {0.01, 0.1});
  h.observe(0.005);
  h.observe(0.05);
  h.observe(5);
  const auto text = registry.render();
  CHECK(text.find("# TYPE requests_total counter") != std::string::npos);
  CHECK(text.find("requests_total{route=\"/a\",status=\"200\"} 4") != std::string::npos);
  CHECK(text.find("pool_in_use 2") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{le=\"0.01\"} 1") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{le=\"0.1\"} 2") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{le=\"+Inf\"} 3") != std::string::npos);
  CHECK(text.find("latency_seconds_count 3") != std::string::npos);
}

TEST_CASE("label values are escaped") {
  Registry registry;
  registry.counter("c", "C", {{"path", "a\"b\\c"}}).increment();
  CHECK(registry.render().find(R"(c{path="a\"b\\c"} 1)") != std::string::npos);
}
