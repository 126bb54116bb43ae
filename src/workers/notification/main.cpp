// notification-worker: sends the e-mails that notification events ask for.
// This step parses the flags and checks its database and the brokers; the
// consumer and SMTP client come with the workers issue.

#include <spdlog/spdlog.h>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/domain/events.hpp"
#include "core/exit_codes.hpp"
#include "core/kafka/admin.hpp"

namespace {
namespace po = core::config::po;
constexpr const char* kProgram = "notification-worker";
}  // namespace

int main(int argc, char** argv) {
  return core::app::runMain(kProgram, [&]() -> int {
    core::config::CommandLine cli(kProgram, "notification-worker [flags]",
                                  "Sends notification e-mails over SMTP, at most once per event, "
                                  "with retries and a failed-events topic.");
    cli.add("database-url", po::value<std::string>(),
            "PostgreSQL URL of the notifications database", "NOTIFICATION_DATABASE_URL");
    cli.add("brokers", po::value<std::string>(), "Kafka bootstrap servers", "KAFKA_BROKERS");
    cli.add("smtp-url", po::value<std::string>(), "SMTP server, e.g. smtp://127.0.0.1:2525",
            "SMTP_URL");
    cli.add("topic", po::value<std::string>()->default_value(core::domain::kNotificationTopic),
            "notification event topic", "NOTIFICATION_TOPIC");
    core::app::addLogLevelFlag(cli);
    if (auto exit = cli.parse(argc, argv)) return *exit;
    if (auto exit = core::app::initLogging(cli)) return *exit;
    auto url = core::app::requireFlag(cli, "database-url", "NOTIFICATION_DATABASE_URL");
    if (!url) return cli.usageError(url.error().message);
    auto brokers = core::app::requireFlag(cli, "brokers", "KAFKA_BROKERS");
    if (!brokers) return cli.usageError(brokers.error().message);
    auto smtp = core::app::requireFlag(cli, "smtp-url", "SMTP_URL");
    if (!smtp) return cli.usageError(smtp.error().message);

    if (auto reachable = core::db::checkDatabase(*url); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    if (auto reachable = core::kafka::checkBrokers(*brokers); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    spdlog::info("database and brokers reachable; smtp={}", *smtp);
    return core::kExitOk;
  });
}
