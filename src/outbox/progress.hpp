#pragma once
// Progress output for long operator commands (replay): a redrawn bar when
// stderr is a terminal, plain lines at a fixed interval otherwise (logs, CI).

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace outbox {

struct ProgressSnapshot {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::uint64_t failed = 0;
  double elapsed_seconds = 0;
};

// 20000 -> "20,000".
std::string formatCount(std::uint64_t value);
// Seconds left -> "0:05", "12:34", "1:02:03"; "--:--" when unknown.
std::string formatEta(double seconds);
// Rows per second so far (0 before any time has passed).
double progressRate(const ProgressSnapshot& s);
// "[#########...........]  4,500/20,000  22.5%  3,210 rows/s  ETA 0:05"
std::string formatProgressBar(const ProgressSnapshot& s, std::size_t bar_width = 30);
// "replay: 4,500/20,000 rows (22.5%), 3,210 rows/s, ETA 0:05"
std::string formatProgressLine(const std::string& label, const ProgressSnapshot& s);

enum class ProgressMode { kAuto, kBar, kLines, kNone };
// "auto", "bar", "lines", "none"; false on anything else.
bool parseProgressMode(const std::string& text, ProgressMode& mode);

class ProgressReporter {
 public:
  using Clock = std::chrono::steady_clock;
  // kAuto becomes kBar when stderr is a terminal, else kLines.
  ProgressReporter(std::ostream& out, ProgressMode mode, std::string label, std::uint64_t total,
                   std::chrono::milliseconds line_interval = std::chrono::seconds(1),
                   std::function<Clock::time_point()> now = Clock::now);

  // Cheap to call per row: draws at most every 100 ms (bar) or line_interval.
  void update(std::uint64_t done, std::uint64_t failed = 0);
  // Draws the final state once and ends the bar's line.
  void finish();
  ProgressMode mode() const { return mode_; }

 private:
  ProgressSnapshot snapshot() const;
  void draw();

  std::ostream& out_;
  ProgressMode mode_;
  std::string label_;
  std::chrono::milliseconds interval_;
  std::function<Clock::time_point()> now_;
  Clock::time_point started_;
  Clock::time_point last_draw_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace outbox
