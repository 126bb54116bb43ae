// Flag validation of outbox-relay's commands: a bad value stops with exit 2
// and one stderr line that names the flag.

#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/exit_codes.hpp"
#include "outbox/command.hpp"
#include "outbox/parked_config.hpp"
#include "outbox/relay_config.hpp"
#include "outbox/replay_config.hpp"
#include "outbox/retention_command.hpp"

using namespace outbox;

namespace {

// Sets or unsets an environment variable and restores it when it dies.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const char* value) : name(std::move(n)) {
    if (const char* was = std::getenv(name.c_str())) old = was;
    if (value)
      setenv(name.c_str(), value, 1);
    else
      unsetenv(name.c_str());
  }
  ~ScopedEnv() {
    if (old)
      setenv(name.c_str(), old->c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};

// Collects what std::cerr receives while it lives.
struct CapturedStderr {
  std::ostringstream text;
  std::streambuf* old = std::cerr.rdbuf(text.rdbuf());
  ~CapturedStderr() { std::cerr.rdbuf(old); }
};

const std::vector<std::string> kDb = {"--database-url", "postgresql://u@127.0.0.1:1/x"};

std::vector<std::string> with(std::vector<std::string> args,
                              const std::vector<std::string>& base = kDb) {
  args.insert(args.begin(), base.begin(), base.end());
  return args;
}

Invocation invocation(const std::vector<std::string>& words_and_flags) {
  auto parsed = parseInvocation(words_and_flags);
  REQUIRE(std::holds_alternative<Invocation>(parsed));
  return std::get<Invocation>(parsed);
}

// Runs a parser expecting a usage error; returns the stderr line.
template <typename Config, typename Parse>
std::string usageError(Parse parse) {
  CapturedStderr err;
  auto result = parse();
  REQUIRE(std::holds_alternative<int>(result));
  CHECK(std::get<int>(result) == core::kExitUsage);
  const auto text = err.text.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  return text;
}

std::string replayError(const std::vector<std::string>& flags) {
  auto inv = invocation(with(flags, {"replay", kDb[0], kDb[1], "--brokers", "127.0.0.1:1"}));
  return usageError<ReplayConfig>([&]() { return parseReplayConfig(inv); });
}

}  // namespace

TEST_CASE("command words select the command and leave the flags") {
  CHECK(invocation({}).command == Command::kDaemon);
  CHECK(invocation({"--once"}).command == Command::kDaemon);
  const auto skip = invocation({"parked", "skip", "--id", "5"});
  CHECK(skip.command == Command::kParkedSkip);
  CHECK(skip.name == "outbox-relay parked skip");
  CHECK(skip.args == std::vector<std::string>{"--id", "5"});
  CHECK(invocation({"parked", "list"}).command == Command::kParkedList);
  CHECK(invocation({"parked", "retry"}).command == Command::kParkedRetry);
  CHECK(invocation({"replay", "--from-id", "1"}).command == Command::kReplay);
  CHECK(invocation({"retention"}).command == Command::kRetention);
}

TEST_CASE("an unknown command or parked action is a one-line usage error naming it") {
  for (const auto& words : std::vector<std::vector<std::string>>{
           {"publish"}, {"parked", "delete"}, {"parked"}, {"parked", "--id", "3"}}) {
    CapturedStderr err;
    auto parsed = parseInvocation(words);
    REQUIRE(std::holds_alternative<int>(parsed));
    CHECK(std::get<int>(parsed) == core::kExitUsage);
    CHECK(err.text.str().find(words.size() > 1 && words[1] == "delete" ? "'delete'" : "parked") !=
          std::string::npos);
  }
}

TEST_CASE("replay: --from-id greater than --to-id names both flags") {
  const auto text = replayError({"--from-id", "500", "--to-id", "100"});
  CHECK(text.find("--from-id (500) is greater than --to-id (100)") != std::string::npos);
}

TEST_CASE("replay: a range is required, times must be ISO-8601 and ordered") {
  CHECK(replayError({}).find("needs a range") != std::string::npos);
  CHECK(replayError({"--from-time", "yesterday"}).find("--from-time: 'yesterday'") !=
        std::string::npos);
  CHECK(replayError({"--from-time", "2026-11-28T10:00:00Z", "--to-time", "2026-11-28T09:00:00Z"})
            .find("--from-time (2026-11-28T10:00:00.000000Z) must be before --to-time") !=
        std::string::npos);
  CHECK(replayError({"--from-id", "0"}).find("--from-id must be a positive") != std::string::npos);
  CHECK(replayError({"--from-id", "x"}).find("from-id") != std::string::npos);
}

TEST_CASE("replay: bad topic names, progress mode and sizes are named") {
  CHECK(replayError({"--from-id", "1", "--to-topic", "no spaces"}).find("--to-topic") !=
        std::string::npos);
  CHECK(replayError({"--from-id", "1", "--topic", ".."}).find("--topic") != std::string::npos);
  CHECK(replayError({"--from-id", "1", "--progress", "fancy"}).find("--progress: 'fancy'") !=
        std::string::npos);
  CHECK(replayError({"--from-id", "1", "--batch-size", "0"}).find("--batch-size") !=
        std::string::npos);
  CHECK(
      replayError({"--from-id", "1", "--delivery-timeout-ms", "5"}).find("--delivery-timeout-ms") !=
      std::string::npos);
}

TEST_CASE("replay: brokers are required to send but not for a dry run") {
  ScopedEnv no_brokers("KAFKA_BROKERS", nullptr);
  auto send = invocation({"replay", kDb[0], kDb[1], "--from-id", "1"});
  CHECK(usageError<ReplayConfig>([&]() { return parseReplayConfig(send); }).find("--brokers") !=
        std::string::npos);
  auto dry = invocation({"replay", kDb[0], kDb[1], "--from-id", "1", "--dry-run"});
  auto parsed = parseReplayConfig(dry);
  REQUIRE(std::holds_alternative<ReplayConfig>(parsed));
  const auto& config = std::get<ReplayConfig>(parsed);
  CHECK(config.dry_run);
  CHECK(config.range.from_id == 1);
  CHECK_FALSE(config.range.to_id.has_value());
}

TEST_CASE("replay: times are normalised to UTC and a good command line parses") {
  CHECK(normalizeTime("2026-11-28T10:00:00+01:00") == "2026-11-28T09:00:00.000000Z");
  CHECK(normalizeTime("2026-11-28T09:00:00") == "2026-11-28T09:00:00.000000Z");
  CHECK(normalizeTime("2026-11-28") == "2026-11-28T00:00:00.000000Z");
  CHECK_FALSE(normalizeTime("28/11/2026").has_value());
  auto inv = invocation({"replay", kDb[0], kDb[1], "--brokers", "b:1", "--from-time", "2026-11-28",
                         "--to-time", "2026-11-29T00:00:00Z", "--to-topic", "replayed.topic-1",
                         "--topic", "orig", "--progress", "lines"});
  auto parsed = parseReplayConfig(inv);
  REQUIRE(std::holds_alternative<ReplayConfig>(parsed));
  const auto& config = std::get<ReplayConfig>(parsed);
  CHECK(config.range.from_time == "2026-11-28T00:00:00.000000Z");
  CHECK(config.range.to_time == "2026-11-29T00:00:00.000000Z");
  CHECK(config.to_topic == "replayed.topic-1");
  CHECK(config.range.topic == "orig");
  CHECK(config.progress == ProgressMode::kLines);
}

TEST_CASE("retention: --older-than is required and must be a duration with a unit") {
  auto missing = invocation(with({}, {"retention", kDb[0], kDb[1]}));
  ScopedEnv no_retention("RELAY_RETENTION", nullptr);
  CHECK(usageError<RetentionConfig>([&]() {
          return parseRetentionConfig(missing);
        }).find("--older-than is required") != std::string::npos);
  auto bad = invocation({"retention", kDb[0], kDb[1], "--older-than", "7"});
  CHECK(usageError<RetentionConfig>([&]() {
          return parseRetentionConfig(bad);
        }).find("--older-than: '7' has a number without a unit") != std::string::npos);
  auto batch =
      invocation({"retention", kDb[0], kDb[1], "--older-than", "7d", "--retention-batch", "0"});
  CHECK(usageError<RetentionConfig>([&]() {
          return parseRetentionConfig(batch);
        }).find("--retention-batch") != std::string::npos);
  auto good = invocation({"retention", kDb[0], kDb[1], "--older-than", "36h"});
  auto parsed = parseRetentionConfig(good);
  REQUIRE(std::holds_alternative<RetentionConfig>(parsed));
  CHECK(std::get<RetentionConfig>(parsed).retention.older_than == std::chrono::hours(36));
  CHECK(std::get<RetentionConfig>(parsed).retention.batch_size == 1000);
}

TEST_CASE("parked: retry needs --id or --all, skip needs --id, --reason and an operator") {
  const auto parked = [](const std::vector<std::string>& words) {
    auto inv = invocation(words);
    return usageError<ParkedConfig>([&]() { return parseParkedConfig(inv); });
  };
  CHECK(parked({"parked", "retry", kDb[0], kDb[1]}).find("--id or --all") != std::string::npos);
  CHECK(parked({"parked", "retry", kDb[0], kDb[1], "--id", "1", "--all"}).find("not both") !=
        std::string::npos);
  CHECK(parked({"parked", "retry", kDb[0], kDb[1], "--id", "1,x"}).find("--id: 'x'") !=
        std::string::npos);
  CHECK(parked({"parked", "skip", kDb[0], kDb[1], "--id", "1"}).find("--reason is required") !=
        std::string::npos);
  CHECK(
      parked({"parked", "skip", kDb[0], kDb[1], "--id", "1", "--reason", "  "}).find("--reason") !=
      std::string::npos);
  ScopedEnv no_user("USER", nullptr);
  CHECK(parked({"parked", "skip", kDb[0], kDb[1], "--id", "1", "--reason", "bad data"})
            .find("--by is required (or set USER)") != std::string::npos);
  CHECK(parked({"parked", "list", kDb[0], kDb[1], "--limit", "0"}).find("--limit") !=
        std::string::npos);
}

TEST_CASE("parked: ids may repeat and be comma-separated, and --by falls back to $USER") {
  ScopedEnv user("USER", "ops-alice");
  auto inv = invocation({"parked", "skip", kDb[0], kDb[1], "--id", "7,3", "--id", "5", "--id", "3",
                         "--reason", "corrupt payload"});
  auto parsed = parseParkedConfig(inv);
  REQUIRE(std::holds_alternative<ParkedConfig>(parsed));
  const auto& config = std::get<ParkedConfig>(parsed);
  CHECK(config.ids == std::vector<std::int64_t>{3, 5, 7});
  CHECK(config.by == "ops-alice");
  CHECK(config.reason == "corrupt payload");
  auto explicit_by =
      invocation({"parked", "skip", kDb[0], kDb[1], "--id", "1", "--reason", "r", "--by", "bob"});
  CHECK(std::get<ParkedConfig>(parseParkedConfig(explicit_by)).by == "bob");
}

TEST_CASE("daemon: retention and notify flags are validated and named") {
  const std::vector<std::string> base = {kDb[0], kDb[1], "--brokers", "127.0.0.1:1"};
  const auto daemon = [&](const std::vector<std::string>& flags) {
    return usageError<RelayConfig>([&]() { return parseRelayConfig(with(flags, base)); });
  };
  CHECK(daemon({"--retention", "7x"}).find("--retention: '7x'") != std::string::npos);
  CHECK(daemon({"--retention-interval", "0s"}).find("--retention-interval") != std::string::npos);
  CHECK(daemon({"--retention-batch", "-1"}).find("--retention-batch") != std::string::npos);
  CHECK(daemon({"--notify-channel", "Bad-Name"}).find("--notify-channel") != std::string::npos);
  CHECK(daemon({"--idle-interval-ms", "1", "--poll-interval-ms", "5"}).find("--idle-interval-ms") !=
        std::string::npos);

  auto parsed = parseRelayConfig(with({"--retention", "7d", "--retention-batch", "50",
                                       "--retention-interval", "30s", "--listen-notify"},
                                      base));
  REQUIRE(std::holds_alternative<RelayConfig>(parsed));
  const auto& config = std::get<RelayConfig>(parsed);
  REQUIRE(config.retention.has_value());
  CHECK(config.retention->older_than == std::chrono::hours(24 * 7));
  CHECK(config.retention->batch_size == 50);
  CHECK(config.retention_interval == std::chrono::seconds(30));
  CHECK(config.listen_notify);
  CHECK(config.notify_channel == "outbox_inserted");
  auto plain = parseRelayConfig(base);
  REQUIRE(std::holds_alternative<RelayConfig>(plain));
  CHECK_FALSE(std::get<RelayConfig>(plain).retention.has_value());
  CHECK(std::get<RelayConfig>(plain).listen_notify);  // on by default
  auto polling_only = parseRelayConfig(with({"--no-listen-notify"}, base));
  REQUIRE(std::holds_alternative<RelayConfig>(polling_only));
  CHECK_FALSE(std::get<RelayConfig>(polling_only).listen_notify);
  CHECK_FALSE(std::get<RelayConfig>(polling_only).relay.listens);  // so it asks for no NOTIFY
  CHECK(std::get<RelayConfig>(plain).relay.listens);
  CHECK(std::holds_alternative<int>(
      parseRelayConfig(with({"--listen-notify", "--no-listen-notify"}, base))));
}
