// What the relay daemon writes to its log at the default level while it
// serves a light load: the states that last, not a line per poll.

#include <doctest/doctest.h>

#include <thread>

#include "integration/relay/relay_fixture.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;

TEST_CASE("a relay under light load does not log a state line per poll") {
  RelayFixture f;
  const auto options = f.relayOptions();
  testing::ChildProcess relay(
      testing::withKafkaIdentity({testing::binaryPath("src/outbox/outbox-relay"), "--database-url",
                                  options.database_url, "--brokers", options.brokers, "--lock-key",
                                  std::to_string(options.lock_key), "--metrics-address", ""},
                                 "outbox-relay"));
  REQUIRE(testing::waitUntil(
      [&]() { return relay.output().find("became leader") != std::string::npos; }));
  // Ten writes apart: each turns the leader from idle to publishing and back.
  for (int i = 0; i < 10; ++i) {
    f.createCustomer(i);
    REQUIRE(testing::waitUntil([&]() { return f.unpublished() == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it go idle again
  }
  const auto log = relay.output();
  std::size_t state_lines = 0;
  for (std::size_t at = log.find("state: "); at != std::string::npos;
       at = log.find("state: ", at + 1)) {
    ++state_lines;
  }
  CHECK_MESSAGE(state_lines <= 2, log);
  CHECK(log.find("became leader") != std::string::npos);
}
