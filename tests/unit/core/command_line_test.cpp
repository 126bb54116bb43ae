#include "core/config/command_line.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

#include "core/exit_codes.hpp"

using core::config::CommandLine;
namespace po = core::config::po;

namespace {
CommandLine makeCli() {
  CommandLine cli("prog", "prog [flags]", "Test program.");
  cli.add("database-url", po::value<std::string>(), "database", "TEST_CLI_DATABASE_URL");
  cli.add("batch-size", po::value<int>()->default_value(100), "rows per batch", "TEST_CLI_BATCH");
  cli.addSwitch("once", "run once");
  return cli;
}
}  // namespace

TEST_CASE("a flag on the command line wins over its environment variable") {
  setenv("TEST_CLI_DATABASE_URL", "from-env", 1);
  auto cli = makeCli();
  CHECK_FALSE(cli.parse({"--database-url", "from-flag"}).has_value());
  CHECK(cli.get<std::string>("database-url") == "from-flag");
  unsetenv("TEST_CLI_DATABASE_URL");
}

TEST_CASE("the environment variable is the fallback when the flag is absent") {
  setenv("TEST_CLI_BATCH", "250", 1);
  auto cli = makeCli();
  CHECK_FALSE(cli.parse(std::vector<std::string>{}).has_value());
  CHECK(cli.get<int>("batch-size") == 250);
  unsetenv("TEST_CLI_BATCH");
}

TEST_CASE("defaults apply when neither flag nor variable is set") {
  auto cli = makeCli();
  CHECK_FALSE(cli.parse(std::vector<std::string>{}).has_value());
  CHECK(cli.get<int>("batch-size") == 100);
  CHECK_FALSE(cli.flag("once"));
  CHECK_FALSE(cli.has("database-url"));
}

TEST_CASE("an unknown flag is a usage error") {
  auto cli = makeCli();
  auto exit = cli.parse({"--no-such-flag"});
  REQUIRE(exit.has_value());
  CHECK(*exit == core::kExitUsage);
}

TEST_CASE("a malformed value is a usage error") {
  auto cli = makeCli();
  auto exit = cli.parse({"--batch-size", "lots"});
  REQUIRE(exit.has_value());
  CHECK(*exit == core::kExitUsage);
}

TEST_CASE("--help stops with exit 0 and the help names flags, variables and exit codes") {
  auto cli = makeCli();
  auto exit = cli.parse({"--help"});
  REQUIRE(exit.has_value());
  CHECK(*exit == core::kExitOk);
  const auto help = cli.helpText();
  CHECK(help.find("--batch-size") != std::string::npos);
  CHECK(help.find("TEST_CLI_BATCH") != std::string::npos);
  CHECK(help.find("(=100)") != std::string::npos);
  CHECK(help.find("Exit codes") != std::string::npos);
}

TEST_CASE("--version stops with exit 0") {
  auto cli = makeCli();
  auto exit = cli.parse({"--version"});
  REQUIRE(exit.has_value());
  CHECK(*exit == core::kExitOk);
}
