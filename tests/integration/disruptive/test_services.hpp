#pragma once
// Stopping and starting a service of the test stack (setup/service.sh), for
// the tests that take PostgreSQL or Kafka away on purpose.

#include <doctest/doctest.h>

#include <string>

#include "support/test_env.hpp"

namespace testing {

// action: start or stop; name: postgres, kafka or smtp.
inline void testService(const std::string& action, const std::string& name) {
  const auto result = runCommand(sourcePath("setup/service.sh") + " test " + action + " " + name);
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
}

// Starts a stopped service again even when an assertion ends the test early.
struct RestartOnExit {
  std::string name;
  ~RestartOnExit() { (void)runCommand(sourcePath("setup/service.sh") + " test start " + name); }
};

}  // namespace testing
