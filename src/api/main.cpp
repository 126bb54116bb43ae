// customer-api: REST CRUD for customers with the transactional outbox.
// This step parses the flags and checks the database; the HTTP server comes
// with the customer-api issue.

#include <spdlog/spdlog.h>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"

namespace {
namespace po = core::config::po;
constexpr const char* kProgram = "customer-api";
}  // namespace

int main(int argc, char** argv) {
  return core::app::runMain(kProgram, [&]() -> int {
    core::config::CommandLine cli(kProgram, "customer-api [flags]",
                                  "REST API for customers; every change and its events are written "
                                  "in one PostgreSQL transaction.");
    cli.add("database-url", po::value<std::string>(), "PostgreSQL URL of the customers database",
            "DATABASE_URL");
    cli.add("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
            "address:port to serve HTTP on", "API_LISTEN");
    cli.add("pool-size", po::value<int>()->default_value(8), "database connections",
            "DB_POOL_SIZE");
    core::app::addLogLevelFlag(cli);
    if (auto exit = cli.parse(argc, argv)) return *exit;
    if (auto exit = core::app::initLogging(cli)) return *exit;
    auto url = core::app::requireFlag(cli, "database-url", "DATABASE_URL");
    if (!url) return cli.usageError(url.error().message);
    if (cli.get<int>("pool-size") < 1) return cli.usageError("--pool-size must be at least 1");

    if (auto reachable = core::db::checkDatabase(*url); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    spdlog::info("database reachable; listen={}", cli.get<std::string>("listen"));
    return core::kExitOk;
  });
}
