#include "workers/notification/offset_tracker.hpp"

#include <doctest/doctest.h>

using notification::OffsetTracker;

namespace {
const OffsetTracker::Partition kMain{"mail", 0};
const OffsetTracker::Partition kOther{"mail", 1};
}  // namespace

TEST_CASE("only the finished run from the oldest event is committable") {
  OffsetTracker tracker;
  for (std::int64_t offset = 10; offset < 15; ++offset) tracker.started(kMain, offset);
  tracker.finished(kMain, 12);
  tracker.finished(kMain, 13);
  CHECK(tracker.takeCommittable().empty());  // 10 and 11 are still open
  tracker.finished(kMain, 10);
  auto committable = tracker.takeCommittable();
  REQUIRE(committable.size() == 1);
  CHECK(committable[0].offset == 11);
  CHECK(tracker.takeCommittable().empty());  // nothing moved since
  tracker.finished(kMain, 11);
  committable = tracker.takeCommittable();
  REQUIRE(committable.size() == 1);
  CHECK(committable[0].offset == 14);  // 11, 12 and 13 done; 14 still open
  CHECK(tracker.unfinished(kMain) == 1);
}

TEST_CASE("partitions are tracked apart, and a forgotten one takes no more finishes") {
  OffsetTracker tracker;
  tracker.started(kMain, 0);
  tracker.started(kOther, 7);
  tracker.finished(kOther, 7);
  auto committable = tracker.takeCommittable();
  REQUIRE(committable.size() == 1);
  CHECK(committable[0].partition == 1);
  CHECK(committable[0].offset == 8);
  CHECK(tracker.unfinished() == 1);
  tracker.forget(kMain);
  tracker.finished(kMain, 0);
  CHECK(tracker.takeCommittable().empty());
  CHECK(tracker.unfinished() == 0);
}

TEST_CASE("an event that never finishes holds back every later offset of its partition") {
  OffsetTracker tracker;
  for (std::int64_t offset = 0; offset < 100; ++offset) tracker.started(kMain, offset);
  for (std::int64_t offset = 1; offset < 100; ++offset) tracker.finished(kMain, offset);
  CHECK(tracker.takeCommittable().empty());
  CHECK(tracker.unfinished(kMain) == 1);
}
