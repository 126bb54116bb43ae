#include "core/config/flag_range.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>

#include "core/exit_codes.hpp"
#include "support/captured_stderr.hpp"

using core::config::Bound;
using core::config::CommandLine;
using core::config::readRange;
namespace po = core::config::po;

namespace {

CommandLine parsed(const std::vector<std::string>& args) {
  CommandLine cli("prog", "prog [flags]", "Test program.");
  cli.add("threads", po::value<int>()->default_value(2), "threads");
  cli.add("base-ms", po::value<long>()->default_value(100), "first wait");
  cli.add("max-ms", po::value<long>()->default_value(1000), "longest wait");
  cli.add("max-bytes", po::value<std::size_t>()->default_value(4096), "largest body");
  cli.add("name", po::value<std::string>()->default_value("x"), "not a number");
  REQUIRE_FALSE(cli.parse(args).has_value());
  return cli;
}

// The exit code of readRange on `args`, and what it printed.
template <typename Out>
std::pair<std::optional<int>, std::string> rangeOf(const std::vector<std::string>& args,
                                                   const std::string& flag, const Bound& min,
                                                   const Bound& max, Out& out) {
  const auto cli = parsed(args);
  const testing::CapturedStderr err;
  auto exit = readRange(cli, flag, min, max, out);
  return {exit, err.text()};
}

}  // namespace

TEST_CASE("a value in range, both ends included, is stored in the out type") {
  std::size_t threads = 0;
  CHECK_FALSE(rangeOf({"--threads", "1"}, "threads", 1, 256, threads).first);
  CHECK(threads == 1U);
  CHECK_FALSE(rangeOf({"--threads", "256"}, "threads", 1, 256, threads).first);
  CHECK(threads == 256U);
  std::chrono::milliseconds wait{0};
  CHECK_FALSE(rangeOf({"--base-ms", "250"}, "base-ms", 1, 60000, wait).first);
  CHECK(wait == std::chrono::milliseconds(250));
  std::size_t bytes = 0;
  CHECK_FALSE(rangeOf({}, "max-bytes", 1024, 67108864, bytes).first);
  CHECK(bytes == 4096U);
}

TEST_CASE("below or above the range: the error names the flag and both ends, out untouched") {
  int threads = 7;
  auto [below, below_text] = rangeOf({"--threads", "0"}, "threads", 1, 256, threads);
  REQUIRE(below);
  CHECK(*below == core::kExitUsage);
  CHECK(below_text == "prog: error: --threads must be from 1 to 256 (see --help)\n");
  auto [above, above_text] = rangeOf({"--threads", "257"}, "threads", 1, 256, threads);
  REQUIRE(above);
  CHECK(above_text == "prog: error: --threads must be from 1 to 256 (see --help)\n");
  CHECK(threads == 7);
}

TEST_CASE("a bound taken from another flag is named by that flag") {
  long max = 0;
  const auto after_base = Bound::flag("base-ms", 100);
  CHECK_FALSE(rangeOf({"--max-ms", "100"}, "max-ms", after_base, 86400000, max).first);
  auto [exit, text] = rangeOf({"--max-ms", "99"}, "max-ms", after_base, 86400000, max);
  REQUIRE(exit);
  CHECK(text == "prog: error: --max-ms must be from --base-ms to 86400000 (see --help)\n");
}

TEST_CASE("an unsigned flag given a negative number is out of range, not a huge value") {
  std::size_t bytes = 0;
  auto [exit, text] = rangeOf({"--max-bytes=-1"}, "max-bytes", 1024, 67108864, bytes);
  REQUIRE(exit);
  CHECK(text == "prog: error: --max-bytes must be from 1024 to 67108864 (see --help)\n");
}

TEST_CASE("a value that is not a number is refused by the parser before any range check") {
  CommandLine cli("prog", "prog [flags]", "Test program.");
  cli.add("threads", po::value<int>()->default_value(2), "threads");
  const testing::CapturedStderr err;
  auto exit = cli.parse({"--threads", "many"});
  REQUIRE(exit);
  CHECK(*exit == core::kExitUsage);
  CHECK(err.text().find("--threads") != std::string::npos);
}

TEST_CASE("a range on a flag that is not an integer is a programming error") {
  const auto cli = parsed({});
  long out = 0;
  CHECK_THROWS_AS(readRange(cli, "name", 1, 10, out), std::logic_error);
}
