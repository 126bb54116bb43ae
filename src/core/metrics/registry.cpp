#include "core/metrics/registry.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace core::metrics {

namespace {

std::string escapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string labelText(const Labels& labels, const std::string& extra_name = "",
                      const std::string& extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    out += (first ? "" : ",") + name + "=\"" + escapeLabel(value) + "\"";
    first = false;
  }
  if (!extra_name.empty()) out += (first ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out + "}";
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size()]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  if (it != bounds_.end()) {
    buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1,
                                                                       std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<std::int64_t>(value * 1e9), std::memory_order_relaxed);
}

double Histogram::sum() const {
  return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
}

std::uint64_t Histogram::cumulative(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i && b < bounds_.size(); ++b) {
    total += buckets_[b].load(std::memory_order_relaxed);
  }
  return total;
}

std::vector<double> latencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> fineLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.0175, 0.02, 0.0225, 0.025,
          0.03,  0.04,   0.05,  0.075,  0.1,  0.25,   0.5,   1,      2.5,  5,      10};
}

Registry::Family& Registry::family(const std::string& name, const std::string& help,
                                   const char* type) {
  auto& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  } else if (f.type != type) {
    throw std::logic_error("metric " + name + " registered as " + f.type + " and " + type);
  }
  return f;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = family(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = family(name, help, "histogram").histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::gauge(const std::string& name, const std::string& help, std::function<double()> read,
                     const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, help, "gauge").gauges[labels] = std::move(read);
}

std::string Registry::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) {
      out += name + labelText(labels) + " " + std::to_string(c->value()) + "\n";
    }
    for (const auto& [labels, read] : f.gauges) {
      out += name + labelText(labels) + " " + number(read()) + "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      for (std::size_t i = 0; i < h->bounds().size(); ++i) {
        out += name + "_bucket" + labelText(labels, "le", number(h->bounds()[i])) + " " +
               std::to_string(h->cumulative(i)) + "\n";
      }
      out += name + "_bucket" + labelText(labels, "le", "+Inf") + " " + std::to_string(h->count()) +
             "\n";
      out += name + "_sum" + labelText(labels) + " " + number(h->sum()) + "\n";
      out += name + "_count" + labelText(labels) + " " + std::to_string(h->count()) + "\n";
    }
  }
  return out;
}

}  // namespace core::metrics
