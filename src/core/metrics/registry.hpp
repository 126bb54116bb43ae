#pragma once
// Prometheus metrics: counters, histograms and callback gauges, rendered in
// the text exposition format. Lookups are thread-safe; the returned
// references stay valid for the registry's lifetime, so hot paths look a
// series up once and keep it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace core::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative count of observations <= bounds()[i].
  std::uint64_t cumulative(std::size_t i) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::int64_t> sum_nanos_{0};  // sum in 1e-9 units of the observed value
};

// Seconds, from 0.5 ms to 10 s: request and publish latencies.
std::vector<double> latencyBuckets();
// Seconds, from 1 ms to 10 s, 2.5 ms apart up to 25 ms: for latencies with a
// target in the tens of milliseconds, where a p99 read from latencyBuckets()
// could only say "between 10 and 25 ms".
std::vector<double> fineLatencyBuckets();

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       const std::vector<double>& bounds = latencyBuckets());
  // A gauge read when rendered (pool usage, backlog, leader status).
  void gauge(const std::string& name, const std::string& help, std::function<double()> read,
             const Labels& labels = {});

  std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::function<double()>> gauges;
  };
  Family& family(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace core::metrics
