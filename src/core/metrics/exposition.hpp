#pragma once
// Reading the Prometheus text format that our own /metrics pages write, for
// a process that shows other processes' figures (customer-api's pipeline
// panel). Tolerant: a line it cannot read is skipped, never fatal.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core::metrics {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Every sample line of `text` (comments and unreadable lines left out).
std::vector<Sample> parseExposition(std::string_view text);

// The sum of a metric's samples over all label sets; 0 when absent.
double sumOf(const std::vector<Sample>& samples, const std::string& name);
bool has(const std::vector<Sample>& samples, const std::string& name);

// A histogram's cumulative buckets summed over its other labels: upper bound
// ("le", +Inf as infinity) -> count, in ascending order.
std::map<double, double> histogramBuckets(const std::vector<Sample>& samples,
                                          const std::string& histogram);

// The q-quantile (0..1) of a histogram's observations, interpolated within
// the bucket as Prometheus does; nothing when there are no observations.
// `buckets`: cumulative counts by upper bound, e.g. the difference of two scrapes.
std::optional<double> histogramQuantile(double q, const std::map<double, double>& buckets);

}  // namespace core::metrics
