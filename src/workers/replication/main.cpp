// replication-worker: applies CRUD events to the replica database.
// This step parses the flags and checks the replica database and the
// brokers; the consumer loop comes with the workers issue.

#include <spdlog/spdlog.h>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/domain/events.hpp"
#include "core/exit_codes.hpp"
#include "core/kafka/admin.hpp"

namespace {
namespace po = core::config::po;
constexpr const char* kProgram = "replication-worker";
}  // namespace

int main(int argc, char** argv) {
  return core::app::runMain(kProgram, [&]() -> int {
    core::config::CommandLine cli(kProgram, "replication-worker [flags]",
                                  "Applies customer CRUD events to the replica database, "
                                  "idempotently by customer id and version.");
    cli.add("replica-database-url", po::value<std::string>(),
            "PostgreSQL URL of the replica database", "REPLICA_DATABASE_URL");
    cli.add("brokers", po::value<std::string>(), "Kafka bootstrap servers", "KAFKA_BROKERS");
    cli.add("topic", po::value<std::string>()->default_value(core::domain::kCustomerUpdatesTopic),
            "CRUD event topic", "REPLICATION_TOPIC");
    cli.add("group-id", po::value<std::string>()->default_value("replication-worker"),
            "Kafka consumer group", "REPLICATION_GROUP_ID");
    core::app::addLogLevelFlag(cli);
    if (auto exit = cli.parse(argc, argv)) return *exit;
    if (auto exit = core::app::initLogging(cli)) return *exit;
    auto url = core::app::requireFlag(cli, "replica-database-url", "REPLICA_DATABASE_URL");
    if (!url) return cli.usageError(url.error().message);
    auto brokers = core::app::requireFlag(cli, "brokers", "KAFKA_BROKERS");
    if (!brokers) return cli.usageError(brokers.error().message);

    if (auto reachable = core::db::checkDatabase(*url); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    if (auto reachable = core::kafka::checkBrokers(*brokers); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    spdlog::info("replica database and brokers reachable; topic={}", cli.get<std::string>("topic"));
    return core::kExitOk;
  });
}
