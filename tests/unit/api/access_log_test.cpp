#include "api/access_log.hpp"

#include <doctest/doctest.h>

TEST_CASE("the access log writes none, one in N and every 5xx, or all answers") {
  api::AccessLog off(api::AccessLogMode::kOff, 10, nullptr);
  api::AccessLog full(api::AccessLogMode::kFull, 10, nullptr);
  api::AccessLog sampled(api::AccessLogMode::kSampled, 10, nullptr);
  int off_lines = 0, full_lines = 0, sampled_lines = 0;
  for (int i = 0; i < 100; ++i) {
    off_lines += off.wanted(200) ? 1 : 0;
    full_lines += full.wanted(200) ? 1 : 0;
    sampled_lines += sampled.wanted(i % 25 == 24 ? 503 : 200) ? 1 : 0;
  }
  CHECK(off_lines == 0);
  CHECK(full_lines == 100);
  CHECK(sampled_lines == 10 + 4);  // every 10th, and the four 503s (none of them a 10th)
  CHECK(api::parseAccessLogMode("sampled") == api::AccessLogMode::kSampled);
  CHECK_FALSE(api::parseAccessLogMode("all"));
}
