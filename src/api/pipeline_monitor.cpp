#include "api/pipeline_monitor.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "api/text.hpp"

namespace api {

using core::metrics::Sample;

namespace {

constexpr long kScrapeTimeoutMs = 1000;
constexpr std::size_t kMaxPageBytes = std::size_t{4} * 1024 * 1024;

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * count > kMaxPageBytes) return 0;  // refuse a runaway page
  body->append(data, size * count);
  return size * count;
}

// The page's text, or the reason there is none.
bool fetch(const std::string& url, std::string& body, std::string& error) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    error = "curl_easy_init failed";
    return false;
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kScrapeTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    error = curl_easy_strerror(code);
    return false;
  }
  if (status != 200) {
    error = "HTTP " + std::to_string(status);
    return false;
  }
  return true;
}

// How much a counter grew; a counter that went down restarted from zero.
double growth(const std::vector<Sample>& before, const std::vector<Sample>& after,
              const std::string& name) {
  const double was = core::metrics::sumOf(before, name);
  const double is = core::metrics::sumOf(after, name);
  return is >= was ? is - was : is;
}

}  // namespace

PipelinePoint pointBetween(const std::vector<Sample>& before, const std::vector<Sample>& after,
                           double seconds, core::domain::Timestamp at) {
  PipelinePoint point;
  point.at = at;
  if (seconds <= 0) return point;
  point.published_per_second = growth(before, after, "outbox_published_total") / seconds;
  point.emails_per_second = growth(before, after, "notification_sent_total") / seconds;
  point.replication_lag = core::metrics::sumOf(after, "replication_consumer_lag");
  auto buckets = core::metrics::histogramBuckets(after, "outbox_commit_to_ack_seconds");
  const auto earlier = core::metrics::histogramBuckets(before, "outbox_commit_to_ack_seconds");
  bool restarted = false;
  for (const auto& [bound, count] : buckets) {
    const auto was = earlier.find(bound);
    if (was != earlier.end() && was->second > count) restarted = true;
  }
  if (!restarted) {
    for (auto& [bound, count] : buckets) {
      const auto was = earlier.find(bound);
      if (was != earlier.end()) count -= was->second;
    }
  }
  const auto seconds_to_ms = [](std::optional<double> s) -> std::optional<double> {
    if (!s) return std::nullopt;
    return *s * 1000;
  };
  point.commit_to_ack_p50_ms = seconds_to_ms(core::metrics::histogramQuantile(0.5, buckets));
  point.commit_to_ack_p99_ms = seconds_to_ms(core::metrics::histogramQuantile(0.99, buckets));
  return point;
}

PipelineMonitor::PipelineMonitor(std::vector<MetricsSource> sources, std::chrono::seconds interval,
                                 std::chrono::seconds window)
    : sources_(std::move(sources)),
      interval_(interval),
      max_points_(static_cast<std::size_t>(window / interval)) {
  for (const auto& source : sources_) states_.push_back({source, false, "not scraped yet", {}});
  pages_.resize(sources_.size());
}

PipelineMonitor::~PipelineMonitor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PipelineMonitor::start() {
  if (sources_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this]() { loop(); });
}

PipelineFigures PipelineMonitor::figures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {states_, latest_, {points_.begin(), points_.end()}, interval_};
}

void PipelineMonitor::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    scrapeAll();
    lock.lock();
    wake_.wait_for(lock, interval_, [this]() { return stopping_; });
  }
}

void PipelineMonitor::scrapeAll() {
  // Outside the lock: a slow page must not hold up figures().
  std::vector<SourceState> states;
  std::vector<std::optional<std::vector<Sample>>> pages;
  for (const auto& source : sources_) {
    SourceState state{source, false, "", {}};
    std::string body;
    state.up = fetch(source.url, body, state.error);
    if (state.up) {
      state.scraped_at = core::domain::Timestamp::now();
      pages.emplace_back(core::metrics::parseExposition(body));
    } else {
      spdlog::debug("pipeline metrics of {} unavailable: {}", source.name, state.error);
      pages.emplace_back(std::nullopt);
    }
    states.push_back(std::move(state));
  }
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  // A source that did not answer keeps its last page, so that its counters
  // neither drop to zero now nor jump by their whole value when it is back.
  for (std::size_t i = 0; i < pages.size(); ++i) {
    if (pages[i]) {
      pages_[i] = std::move(*pages[i]);
    } else {
      states[i].scraped_at = states_[i].scraped_at;
    }
  }
  std::vector<Sample> samples;
  for (const auto& page : pages_) samples.insert(samples.end(), page.begin(), page.end());
  if (latest_at_) {
    const double seconds = std::chrono::duration<double>(now - *latest_at_).count();
    points_.push_back(pointBetween(latest_, samples, seconds, core::domain::Timestamp::now()));
    while (points_.size() > max_points_) points_.pop_front();
  }
  states_ = std::move(states);
  latest_ = std::move(samples);
  latest_at_ = now;
}

std::optional<std::vector<MetricsSource>> parseMetricsSources(const std::string& text) {
  std::vector<MetricsSource> sources;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find(',', start);
    const auto item = trim(text.substr(start, end == std::string::npos ? end : end - start));
    if (!item.empty()) {
      const auto eq = item.find('=');
      if (eq == std::string::npos || eq == 0) return std::nullopt;
      MetricsSource source{item.substr(0, eq), item.substr(eq + 1)};
      if (source.url.rfind("http://", 0) != 0 && source.url.rfind("https://", 0) != 0) {
        return std::nullopt;
      }
      sources.push_back(std::move(source));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return sources;
}

}  // namespace api
