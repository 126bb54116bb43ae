#pragma once
// The pipeline processes' own figures, for the web UI's pipeline panel: every
// few seconds customer-api reads the /metrics pages it was given
// (--pipeline-metrics) and keeps a few minutes of points (publish rate,
// commit→ack latency, replica lag, e-mail rate), computed from the counters
// and histograms exactly as Prometheus would, so the panel agrees with them.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/domain/timestamp.hpp"
#include "core/metrics/exposition.hpp"

namespace api {

struct MetricsSource {
  std::string name;  // e.g. "outbox-relay"
  std::string url;   // e.g. "http://127.0.0.1:9464/metrics"
};

struct SourceState {
  MetricsSource source;
  bool up = false;
  std::string error;  // why the last scrape failed
  std::optional<core::domain::Timestamp> scraped_at;
};

// One interval between two scrapes.
struct PipelinePoint {
  core::domain::Timestamp at;
  double published_per_second = 0;
  std::optional<double> commit_to_ack_p50_ms;  // nothing when nothing was published
  std::optional<double> commit_to_ack_p99_ms;
  double emails_per_second = 0;
  double replication_lag = 0;  // at the end of the interval
};

// The pure part: the point between two scrapes `seconds` apart (all sources'
// samples together). A counter that went down (a restarted process) counts
// from zero.
PipelinePoint pointBetween(const std::vector<core::metrics::Sample>& before,
                           const std::vector<core::metrics::Sample>& after, double seconds,
                           core::domain::Timestamp at);

struct PipelineFigures {
  std::vector<SourceState> sources;
  std::vector<core::metrics::Sample> latest;  // every source's last answer
  std::vector<PipelinePoint> points;          // oldest first
  std::chrono::seconds interval{0};
};

class PipelineMonitor {
 public:
  PipelineMonitor(std::vector<MetricsSource> sources, std::chrono::seconds interval,
                  std::chrono::seconds window);
  ~PipelineMonitor();  // stops and joins
  PipelineMonitor(const PipelineMonitor&) = delete;
  PipelineMonitor& operator=(const PipelineMonitor&) = delete;

  void start();
  PipelineFigures figures() const;

 private:
  void loop();
  void scrapeAll();

  const std::vector<MetricsSource> sources_;
  const std::chrono::seconds interval_;
  const std::size_t max_points_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<SourceState> states_;
  std::vector<std::vector<core::metrics::Sample>> pages_;  // per source, its last answer
  std::vector<core::metrics::Sample> latest_;              // all pages together
  std::optional<std::chrono::steady_clock::time_point> latest_at_;
  std::deque<PipelinePoint> points_;
  std::thread thread_;
};

// "name=url,name=url" (the --pipeline-metrics flag); nothing when malformed.
std::optional<std::vector<MetricsSource>> parseMetricsSources(const std::string& text);

}  // namespace api
