#include "outbox/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace outbox {

namespace {

std::string percent(const ProgressSnapshot& s) {
  char text[16];
  const double value =
      s.total == 0 ? 100.0 : 100.0 * static_cast<double>(s.done) / static_cast<double>(s.total);
  std::snprintf(text, sizeof text, "%.1f%%", value > 100.0 ? 100.0 : value);
  return text;
}

std::string etaOf(const ProgressSnapshot& s) {
  if (s.done >= s.total) return "0:00";
  const double rate = progressRate(s);
  if (rate <= 0) return "--:--";
  return formatEta(static_cast<double>(s.total - s.done) / rate);
}

std::string failedSuffix(const ProgressSnapshot& s) {
  return s.failed == 0 ? "" : ", " + formatCount(s.failed) + " failed";
}

}  // namespace

std::string formatCount(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string formatEta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 99.0 * 3600) return "--:--";
  const auto total = static_cast<long long>(std::ceil(seconds));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

double progressRate(const ProgressSnapshot& s) {
  return s.elapsed_seconds > 0 ? static_cast<double>(s.done) / s.elapsed_seconds : 0.0;
}

std::string formatProgressBar(const ProgressSnapshot& s, std::size_t bar_width) {
  const double fraction =
      s.total == 0 ? 1.0
                   : std::min(1.0, static_cast<double>(s.done) / static_cast<double>(s.total));
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar_width));
  std::string bar = "[" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "]";
  return bar + "  " + formatCount(s.done) + "/" + formatCount(s.total) + "  " + percent(s) + "  " +
         formatCount(static_cast<std::uint64_t>(progressRate(s))) + " rows/s  ETA " + etaOf(s) +
         failedSuffix(s);
}

std::string formatProgressLine(const std::string& label, const ProgressSnapshot& s) {
  return label + ": " + formatCount(s.done) + "/" + formatCount(s.total) + " rows (" + percent(s) +
         "), " + formatCount(static_cast<std::uint64_t>(progressRate(s))) + " rows/s, ETA " +
         etaOf(s) + failedSuffix(s);
}

bool parseProgressMode(const std::string& text, ProgressMode& mode) {
  if (text == "auto")
    mode = ProgressMode::kAuto;
  else if (text == "bar")
    mode = ProgressMode::kBar;
  else if (text == "lines")
    mode = ProgressMode::kLines;
  else if (text == "none")
    mode = ProgressMode::kNone;
  else
    return false;
  return true;
}

ProgressReporter::ProgressReporter(std::ostream& out, ProgressMode mode, std::string label,
                                   std::uint64_t total, std::chrono::milliseconds line_interval,
                                   std::function<Clock::time_point()> now)
    : out_(out),
      mode_(mode),
      label_(std::move(label)),
      interval_(line_interval),
      now_(std::move(now)),
      started_(now_()),
      last_draw_(started_),
      total_(total) {
  if (mode_ == ProgressMode::kAuto) {
    mode_ = isatty(STDERR_FILENO) ? ProgressMode::kBar : ProgressMode::kLines;
  }
}

ProgressSnapshot ProgressReporter::snapshot() const {
  return {done_, total_, failed_, std::chrono::duration<double>(now_() - started_).count()};
}

void ProgressReporter::draw() {
  if (mode_ == ProgressMode::kBar) {
    out_ << '\r' << formatProgressBar(snapshot()) << "\x1b[K" << std::flush;
  } else if (mode_ == ProgressMode::kLines) {
    out_ << formatProgressLine(label_, snapshot()) << '\n' << std::flush;
  }
  drawn_ = true;
}

void ProgressReporter::update(std::uint64_t done, std::uint64_t failed) {
  done_ = done;
  failed_ = failed;
  if (mode_ == ProgressMode::kNone || finished_) return;
  const auto now = now_();
  const auto every = mode_ == ProgressMode::kBar ? std::chrono::milliseconds(100) : interval_;
  if (now - last_draw_ < every) return;
  last_draw_ = now;
  draw();
}

void ProgressReporter::finish() {
  if (mode_ == ProgressMode::kNone || finished_) return;
  finished_ = true;
  draw();
  if (mode_ == ProgressMode::kBar) out_ << '\n' << std::flush;
}

}  // namespace outbox
