#include "outbox/progress.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

using namespace outbox;
using Clock = std::chrono::steady_clock;

TEST_CASE("counts get thousands separators") {
  CHECK(formatCount(0) == "0");
  CHECK(formatCount(999) == "999");
  CHECK(formatCount(1000) == "1,000");
  CHECK(formatCount(20000) == "20,000");
  CHECK(formatCount(1234567) == "1,234,567");
}

TEST_CASE("ETA is minutes:seconds, hours when long, and unknown without a rate") {
  CHECK(formatEta(0) == "0:00");
  CHECK(formatEta(4.2) == "0:05");
  CHECK(formatEta(754) == "12:34");
  CHECK(formatEta(3723) == "1:02:03");
  CHECK(formatEta(-1) == "--:--");
  CHECK(formatEta(1.0 / 0.0) == "--:--");
}

TEST_CASE("the progress bar shows rows done of total, percent, rate and ETA") {
  const ProgressSnapshot s{4500, 20000, 0, 1.5};
  const auto bar = formatProgressBar(s, 20);
  CHECK(bar == "[####................]  4,500/20,000  22.5%  3,000 rows/s  ETA 0:06");
  CHECK(formatProgressBar({20000, 20000, 0, 10}, 10) ==
        "[##########]  20,000/20,000  100.0%  2,000 rows/s  ETA 0:00");
  CHECK(formatProgressBar({0, 100, 0, 0}, 4) == "[....]  0/100  0.0%  0 rows/s  ETA --:--");
  CHECK(formatProgressBar({10, 100, 3, 1}, 4).find(", 3 failed") != std::string::npos);
}

TEST_CASE("a progress line is one plain sentence for logs") {
  CHECK(formatProgressLine("replay", {500, 2000, 0, 2}) ==
        "replay: 500/2,000 rows (25.0%), 250 rows/s, ETA 0:06");
}

TEST_CASE("progress modes parse, and anything else is refused") {
  ProgressMode mode = ProgressMode::kAuto;
  CHECK(parseProgressMode("bar", mode));
  CHECK(mode == ProgressMode::kBar);
  CHECK(parseProgressMode("lines", mode));
  CHECK(mode == ProgressMode::kLines);
  CHECK(parseProgressMode("none", mode));
  CHECK(mode == ProgressMode::kNone);
  CHECK_FALSE(parseProgressMode("fancy", mode));
}

TEST_CASE("line mode prints at most one line per interval and the final state once") {
  auto now = Clock::time_point{} + std::chrono::hours(1);
  std::ostringstream out;
  ProgressReporter progress(out, ProgressMode::kLines, "replay", 100, std::chrono::seconds(1),
                            [&now]() { return now; });
  progress.update(10);
  CHECK(out.str().empty());  // the interval has not passed
  now += std::chrono::milliseconds(1100);
  progress.update(20);
  progress.update(21);  // same instant: no second line
  now += std::chrono::milliseconds(1000);
  progress.update(40);
  progress.finish();
  progress.finish();  // idempotent
  const std::string text = out.str();
  CHECK(text ==
        "replay: 20/100 rows (20.0%), 18 rows/s, ETA 0:05\n"
        "replay: 40/100 rows (40.0%), 19 rows/s, ETA 0:04\n"
        "replay: 40/100 rows (40.0%), 19 rows/s, ETA 0:04\n");
}

TEST_CASE("bar mode redraws one line in place and ends it on finish") {
  auto now = Clock::time_point{} + std::chrono::hours(1);
  std::ostringstream out;
  ProgressReporter progress(out, ProgressMode::kBar, "replay", 10, std::chrono::seconds(1),
                            [&now]() { return now; });
  now += std::chrono::milliseconds(200);
  progress.update(5);
  progress.finish();
  const std::string text = out.str();
  CHECK(text.front() == '\r');
  CHECK(text.back() == '\n');
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  CHECK(text.find("10") != std::string::npos);
}

TEST_CASE("mode none prints nothing") {
  std::ostringstream out;
  ProgressReporter progress(out, ProgressMode::kNone, "replay", 10);
  progress.update(10);
  progress.finish();
  CHECK(out.str().empty());
}
