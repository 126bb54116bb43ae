#include "core/metrics/exposition.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace core::metrics {

namespace {

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

// `{a="1",b="x\"y"}` from `pos` (at '{'); false when malformed.
bool readLabels(std::string_view line, std::size_t& pos, std::map<std::string, std::string>& out) {
  ++pos;  // '{'
  while (pos < line.size() && line[pos] != '}') {
    const auto eq = line.find('=', pos);
    if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
    std::string key(line.substr(pos, eq - pos));
    std::string value;
    std::size_t i = eq + 2;
    for (; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        ++i;
        value += line[i] == 'n' ? '\n' : line[i];
      } else {
        value += line[i];
      }
    }
    if (i >= line.size()) return false;
    out[std::move(key)] = std::move(value);
    pos = i + 1;
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
  if (pos >= line.size()) return false;
  ++pos;  // '}'
  return true;
}

double parseValue(std::string_view text, bool& ok) {
  const std::string value(text);
  if (value == "+Inf") return std::numeric_limits<double>::infinity();
  if (value == "-Inf") return -std::numeric_limits<double>::infinity();
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  ok = end != value.c_str() && *end == '\0';
  return v;
}

}  // namespace

std::vector<Sample> parseExposition(std::string_view text) {
  std::vector<Sample> samples;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    std::size_t pos = 0;
    while (pos < line.size() && isNameChar(line[pos])) ++pos;
    if (pos == 0) continue;
    sample.name = std::string(line.substr(0, pos));
    if (pos < line.size() && line[pos] == '{' && !readLabels(line, pos, sample.labels)) continue;
    if (pos >= line.size() || line[pos] != ' ') continue;
    auto value = line.substr(pos + 1);
    value = value.substr(0, value.find(' '));  // a timestamp may follow
    bool ok = true;
    sample.value = parseValue(value, ok);
    if (ok) samples.push_back(std::move(sample));
  }
  return samples;
}

double sumOf(const std::vector<Sample>& samples, const std::string& name) {
  double sum = 0;
  for (const auto& s : samples) {
    if (s.name == name && std::isfinite(s.value)) sum += s.value;
  }
  return sum;
}

bool has(const std::vector<Sample>& samples, const std::string& name) {
  for (const auto& s : samples) {
    if (s.name == name) return true;
  }
  return false;
}

std::map<double, double> histogramBuckets(const std::vector<Sample>& samples,
                                          const std::string& histogram) {
  std::map<double, double> buckets;
  const std::string name = histogram + "_bucket";
  for (const auto& s : samples) {
    if (s.name != name) continue;
    const auto le = s.labels.find("le");
    if (le == s.labels.end()) continue;
    bool ok = true;
    const double bound = parseValue(le->second, ok);
    if (ok) buckets[bound] += s.value;
  }
  return buckets;
}

std::optional<double> histogramQuantile(double q, const std::map<double, double>& buckets) {
  if (buckets.empty()) return std::nullopt;
  const double total = buckets.rbegin()->second;
  if (!(total > 0)) return std::nullopt;
  const double rank = q * total;
  double lower = 0;
  double below = 0;
  for (const auto& [bound, count] : buckets) {
    if (count >= rank) {
      // The +Inf bucket has no upper edge: answer its lower one.
      if (std::isinf(bound)) return lower;
      const double in_bucket = count - below;
      if (in_bucket <= 0) return bound;
      return lower + (bound - lower) * (rank - below) / in_bucket;
    }
    lower = bound;
    below = count;
  }
  return lower;
}

}  // namespace core::metrics
