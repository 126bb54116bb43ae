// pipeline-admin create-topics: without --topic it creates the pipeline's own
// topics, the one list the setup scripts and the compose init job rely on.
#include <doctest/doctest.h>

#include <iterator>

#include "core/domain/events.hpp"
#include "support/test_env.hpp"

TEST_CASE("pipeline-admin create-topics without --topic covers every topic of the pipeline") {
  const auto result = testing::runCommand(testing::binaryPath("src/admin/pipeline-admin") +
                                          " create-topics --brokers " + testing::kafkaBrokers());
  REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  const auto expected = std::size(core::domain::kPipelineTopics);
  CHECK(expected == 5);
  CHECK_MESSAGE(
      result.output.find(std::to_string(expected) + " topics present") != std::string::npos,
      result.output);
}
