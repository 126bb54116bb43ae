// outbox-relay: publishes committed outbox rows to Kafka, in order.
// This step parses the flags and checks the database and the brokers; the
// publishing loop comes with the outbox-relay issue.

#include <spdlog/spdlog.h>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"
#include "core/kafka/admin.hpp"
#include "core/kafka/properties.hpp"

namespace {
namespace po = core::config::po;
constexpr const char* kProgram = "outbox-relay";
}  // namespace

int main(int argc, char** argv) {
  return core::app::runMain(kProgram, [&]() -> int {
    core::config::CommandLine cli(kProgram, "outbox-relay [flags]",
                                  "Publishes committed outbox rows to Kafka in id order with an "
                                  "idempotent producer.");
    cli.add("database-url", po::value<std::string>(), "PostgreSQL URL of the customers database",
            "DATABASE_URL");
    cli.add("brokers", po::value<std::string>(), "Kafka bootstrap servers", "KAFKA_BROKERS");
    cli.add("kafka-property,X", po::value<std::vector<std::string>>()->composing(),
            "extra librdkafka property key=value (repeatable)");
    core::app::addLogLevelFlag(cli);
    if (auto exit = cli.parse(argc, argv)) return *exit;
    if (auto exit = core::app::initLogging(cli)) return *exit;
    auto url = core::app::requireFlag(cli, "database-url", "DATABASE_URL");
    if (!url) return cli.usageError(url.error().message);
    auto brokers = core::app::requireFlag(cli, "brokers", "KAFKA_BROKERS");
    if (!brokers) return cli.usageError(brokers.error().message);
    if (cli.has("kafka-property")) {
      for (const auto& text : cli.get<std::vector<std::string>>("kafka-property")) {
        if (auto property = core::kafka::parseProperty(text); !property) {
          return cli.usageError("-X: " + property.error().message);
        }
      }
    }

    if (auto reachable = core::db::checkDatabase(*url); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    if (auto reachable = core::kafka::checkBrokers(*brokers); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    spdlog::info("database and brokers reachable; brokers={}", *brokers);
    return core::kExitOk;
  });
}
