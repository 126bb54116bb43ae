#include "outbox/wakeup_switch.hpp"

#include <doctest/doctest.h>

using outbox::WakeupSwitch;

TEST_CASE("a listening relay asks for wake-ups from its first empty poll") {
  WakeupSwitch wakeups(true);
  CHECK(wakeups.afterPoll(false) == std::optional<bool>(true));
  CHECK(wakeups.afterPoll(false) == std::nullopt);  // already stored
}

TEST_CASE("rows switch wake-ups off at once, and they come back after a few empty polls in a row") {
  WakeupSwitch wakeups(true);
  REQUIRE(wakeups.afterPoll(false) == std::optional<bool>(true));
  CHECK(wakeups.afterPoll(true) == std::optional<bool>(false));
  CHECK(wakeups.afterPoll(true) == std::nullopt);
  for (int i = 1; i < WakeupSwitch::kEmptyPollsBeforeWakeups; ++i) {
    CHECK(wakeups.afterPoll(false) == std::nullopt);
  }
  CHECK(wakeups.afterPoll(false) == std::optional<bool>(true));
}

TEST_CASE("a poll with rows restarts the count of empty polls") {
  WakeupSwitch wakeups(true);
  REQUIRE(wakeups.afterPoll(true) == std::optional<bool>(false));
  for (int i = 1; i < WakeupSwitch::kEmptyPollsBeforeWakeups; ++i) wakeups.afterPoll(false);
  CHECK(wakeups.afterPoll(true) == std::nullopt);  // still off
  for (int i = 1; i < WakeupSwitch::kEmptyPollsBeforeWakeups; ++i) {
    CHECK(wakeups.afterPoll(false) == std::nullopt);
  }
  CHECK(wakeups.afterPoll(false) == std::optional<bool>(true));
}

TEST_CASE("a relay that does not listen asks for no wake-ups, ever") {
  WakeupSwitch wakeups(false);
  CHECK(wakeups.afterPoll(false) == std::optional<bool>(false));
  CHECK(wakeups.afterPoll(false) == std::nullopt);
  CHECK(wakeups.afterPoll(true) == std::nullopt);
  CHECK(wakeups.afterPoll(false) == std::nullopt);
}

TEST_CASE("after forget() the next poll stores the setting again") {
  WakeupSwitch wakeups(true);
  REQUIRE(wakeups.afterPoll(false) == std::optional<bool>(true));
  wakeups.forget();
  CHECK(wakeups.afterPoll(false) == std::optional<bool>(true));
  wakeups.forget();
  CHECK(wakeups.afterPoll(true) == std::optional<bool>(false));
}
