#include "outbox/parked_config.hpp"

#include "core/app/main_support.hpp"
#include "core/config/common_flags.hpp"
#include "core/config/flag_range.hpp"
#include "core/config/log_flags.hpp"
#include "outbox/row_id_flags.hpp"

namespace outbox {

namespace {

namespace po = core::config::po;

const char* summary(Command action) {
  switch (action) {
    case Command::kParkedRetry:
      return "Un-parks rows (--id, repeatable or comma-separated, or --all): their attempts start\n"
             "again from zero and the daemon publishes them on its next poll, in id order before\n"
             "their customer's later rows. Fails without changing anything if a given id is not\n"
             "a parked row.";
    case Command::kParkedSkip:
      return "Marks parked rows as skipped: they are never published, and their customer's later\n"
             "rows stop waiting behind them. The row stays in the table with skipped_at, "
             "skipped_by\n"
             "(--by, or $USER) and skip_reason (--reason) as the audit record. Only parked rows "
             "can\n"
             "be skipped; fails without changing anything if a given id is not one.";
    default:
      return "Lists parked rows (the broker refused them for good): id, aggregate, topic, "
             "attempts,\n"
             "since when, how many later rows of the same aggregate wait behind each, and the\n"
             "error. A table on stdout, or --json.";
  }
}

const char* usage(Command action) {
  switch (action) {
    case Command::kParkedRetry:
      return "outbox-relay parked retry (--id ID[,ID...] | --all) [flags]";
    case Command::kParkedSkip:
      return "outbox-relay parked skip --id ID[,ID...] --reason TEXT [--by NAME] [flags]";
    default: return "outbox-relay parked list [--json] [--include-skipped] [flags]";
  }
}

}  // namespace

std::variant<ParkedConfig, int> parseParkedConfig(const Invocation& invocation) {
  const Command action = invocation.command;
  core::config::CommandLine cli(invocation.name, usage(action), summary(action));
  core::config::addDatabaseUrlFlag(cli, core::config::kCustomersDatabaseUrl);
  if (action == Command::kParkedList) {
    cli.addSwitch("json", "print a JSON array instead of a table");
    cli.addSwitch("include-skipped", "also list rows that were skipped, with who and why");
    cli.add("limit", po::value<std::int64_t>()->default_value(1000), "list at most this many rows");
  } else {
    cli.add("id", po::value<std::vector<std::string>>()->composing(),
            "outbox row id; repeatable, or comma-separated");
  }
  if (action == Command::kParkedRetry) cli.addSwitch("all", "retry every parked row");
  if (action == Command::kParkedSkip) {
    cli.add("reason", po::value<std::string>(), "why the rows are skipped (required; recorded)");
    cli.add("by", po::value<std::string>(), "who skips them (recorded)", "USER");
  }
  core::config::addLogLevelFlag(cli);
  if (auto exit = cli.parse(invocation.args)) return *exit;

  ParkedConfig config;
  config.action = action;
  if (auto e = core::config::readDatabaseUrl(cli, core::config::kCustomersDatabaseUrl,
                                             config.database_url))
    return *e;
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  if (action == Command::kParkedList) {
    config.json = cli.flag("json");
    config.include_skipped = cli.flag("include-skipped");
    if (auto e = core::config::readRange(cli, "limit", 1, 1000000, config.limit)) return *e;
    return config;
  }
  if (auto e = readIds(cli, "id", config.ids)) return *e;
  if (action == Command::kParkedRetry) {
    config.all = cli.flag("all");
    if (config.all && !config.ids.empty())
      return cli.usageError("give either --id or --all, not both");
    if (!config.all && config.ids.empty()) return cli.usageError("--id or --all is required");
    return config;
  }
  if (config.ids.empty())
    return cli.usageError("--id is required (skip names its rows one by one)");
  config.reason = cli.has("reason") ? cli.get<std::string>("reason") : "";
  if (config.reason.find_first_not_of(" \t") == std::string::npos) {
    return cli.usageError("--reason is required: say why the rows are skipped");
  }
  config.by = cli.has("by") ? cli.get<std::string>("by") : "";
  if (config.by.empty()) return cli.usageError("--by is required (or set USER)");
  return config;
}

}  // namespace outbox
