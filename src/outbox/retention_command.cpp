#include "outbox/retention_command.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "core/app/main_support.hpp"
#include "core/config/common_flags.hpp"
#include "core/config/flag_range.hpp"
#include "core/config/log_flags.hpp"
#include "core/exit_codes.hpp"
#include "core/logging/logging.hpp"
#include "outbox/duration.hpp"

namespace outbox {

namespace {

namespace po = core::config::po;

constexpr const char* kSummary =
    "Deletes published rows whose published_at is older than --older-than, walking the\n"
    "primary key in windows of --retention-batch ids, each its own short transaction\n"
    "(FOR UPDATE SKIP LOCKED): safe while the daemon runs, and it needs no leader lock.\n"
    "Unpublished, parked and skipped rows are never deleted. Prints how many rows went\n"
    "(with --dry-run: would go). The daemon does the same periodically when started with\n"
    "--retention.";

}  // namespace

std::variant<RetentionConfig, int> parseRetentionConfig(const Invocation& invocation) {
  core::config::CommandLine cli(invocation.name, "outbox-relay retention --older-than AGE [flags]",
                                kSummary);
  core::config::addDatabaseUrlFlag(cli, core::config::kCustomersDatabaseUrl);
  cli.add("older-than", po::value<std::string>(),
          "delete rows published longer ago than this: 90s, 30m, 12h, 7d, 1d12h (required)",
          "RELAY_RETENTION");
  cli.add("retention-batch", po::value<std::int64_t>()->default_value(1000),
          "ids per delete transaction (a window of the primary key)", "RELAY_RETENTION_BATCH");
  cli.addSwitch("dry-run", "count what would be deleted, delete nothing");
  core::config::addLogLevelFlag(cli);
  if (auto exit = cli.parse(invocation.args)) return *exit;

  RetentionConfig config;
  if (auto e = core::config::readDatabaseUrl(cli, core::config::kCustomersDatabaseUrl,
                                             config.retention.database_url))
    return *e;
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  if (!cli.has("older-than"))
    return cli.usageError("--older-than is required (or set RELAY_RETENTION)");
  auto age = parseDuration(cli.get<std::string>("older-than"));
  if (!age) return cli.usageError("--older-than: " + age.error().message);
  config.retention.older_than = *age;
  if (auto e =
          core::config::readRange(cli, "retention-batch", 1, 100000, config.retention.batch_size)) {
    return *e;
  }
  config.dry_run = cli.flag("dry-run");
  return config;
}

int runRetentionCommand(const Invocation& invocation) {
  auto parsed = parseRetentionConfig(invocation);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<RetentionConfig>(parsed);
  (void)core::logging::init(invocation.name, config.log_level);

  Retention retention(config.retention);
  const std::string age = formatDuration(config.retention.older_than);
  if (config.dry_run) {
    auto count = retention.countEligible();
    if (!count) return core::app::fail(invocation.name, count.error());
    std::cout << "Would delete " << *count << " published rows older than " << age << "\n";
    return core::kExitOk;
  }
  auto deleted = retention.run();
  if (!deleted) return core::app::fail(invocation.name, deleted.error());
  spdlog::info("retention deleted {} rows published more than {} ago", *deleted, age);
  std::cout << "Deleted " << *deleted << " published rows older than " << age << "\n";
  return core::kExitOk;
}

}  // namespace outbox
