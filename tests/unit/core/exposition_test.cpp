#include "core/metrics/exposition.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "core/metrics/registry.hpp"

using core::metrics::histogramBuckets;
using core::metrics::histogramQuantile;
using core::metrics::parseExposition;

TEST_CASE("parseExposition reads names, labels with escapes and values, and skips the rest") {
  const auto samples = parseExposition(
      "# HELP x_total Things\n"
      "# TYPE x_total counter\n"
      "x_total 3\n"
      "lag{topic=\"a\\\"b\",partition=\"0\"} 7 1700000000000\n"
      "bucket_bucket{le=\"+Inf\"} 4\n"
      "broken{le=\"1\" 2\n"
      "novalue\n"
      "nan_value NaN\n");
  REQUIRE(samples.size() == 4);
  CHECK(samples[0].name == "x_total");
  CHECK(samples[0].value == 3);
  CHECK(samples[1].labels.at("topic") == "a\"b");
  CHECK(samples[1].labels.at("partition") == "0");
  CHECK(samples[1].value == 7);
  CHECK(samples[2].labels.at("le") == "+Inf");
  CHECK(core::metrics::sumOf(samples, "lag") == 7);
  CHECK(core::metrics::sumOf(samples, "nan_value") == 0);  // not finite: not added
  CHECK(core::metrics::has(samples, "x_total"));
  CHECK_FALSE(core::metrics::has(samples, "absent"));
}

TEST_CASE("what our own registry renders reads back, histogram buckets included") {
  core::metrics::Registry registry;
  auto& latency = registry.histogram("op_seconds", "latency", {}, {0.01, 0.1, 1});
  for (double v : {0.005, 0.05, 0.05, 0.5}) latency.observe(v);
  registry.counter("ops_total", "ops").increment(4);
  const auto samples = parseExposition(registry.render());
  CHECK(core::metrics::sumOf(samples, "ops_total") == 4);
  const auto buckets = histogramBuckets(samples, "op_seconds");
  REQUIRE(buckets.size() == 4);
  CHECK(buckets.at(0.01) == 1);
  CHECK(buckets.at(0.1) == 3);
  CHECK(buckets.at(1) == 4);
}

TEST_CASE("histogramQuantile interpolates within the bucket like Prometheus") {
  // 10 observations: 4 up to 0.1, 6 more up to 1.
  const std::map<double, double> buckets = {{0.1, 4}, {1, 10}, {INFINITY, 10}};
  CHECK(*histogramQuantile(0.4, buckets) == doctest::Approx(0.1));
  CHECK(*histogramQuantile(0.5, buckets) == doctest::Approx(0.1 + 0.9 * (1.0 / 6)));
  CHECK(*histogramQuantile(0.2, buckets) == doctest::Approx(0.05));
  CHECK_FALSE(histogramQuantile(0.5, {{0.1, 0}, {INFINITY, 0}}).has_value());
  CHECK(*histogramQuantile(0.99, {{0.1, 0}, {INFINITY, 5}}) == doctest::Approx(0.1));
}
