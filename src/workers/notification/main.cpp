// notification-worker: wires the configuration, the SMTP client, the status
// server and the notifier loop; `notification-worker redrive` runs the
// re-drive command instead.

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"
#include "core/http/status_server.hpp"
#include "core/kafka/admin.hpp"
#include "core/logging/logging.hpp"
#include "workers/notification/notification_config.hpp"
#include "workers/notification/notifier.hpp"
#include "workers/notification/redrive.hpp"
#include "workers/notification/sent_log.hpp"
#include "workers/notification/smtp_client.hpp"

namespace {

constexpr const char* kProgram = "notification-worker";

const char* tlsName(notification::TlsMode mode) {
  switch (mode) {
    case notification::TlsMode::kOff: return "off";
    case notification::TlsMode::kTry: return "try";
    case notification::TlsMode::kRequired: return "required";
  }
  return "try";
}

// Start-up checks: a wrong address is reported now, not retried forever.
std::optional<int> checkDependencies(const std::string& database_url, const std::string& brokers,
                                     const core::kafka::Properties& kafka_properties) {
  if (auto reachable = core::db::checkDatabase(database_url); !reachable) {
    return core::app::fail(kProgram, reachable.error());
  }
  if (auto reachable = core::kafka::checkBrokers(brokers, kafka_properties); !reachable) {
    return core::app::fail(kProgram, reachable.error());
  }
  return std::nullopt;
}

int runRedrive(const std::vector<std::string>& args) {
  auto parsed = notification::parseRedriveConfig(args);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<notification::RedriveConfig>(parsed);
  (void)core::logging::init(kProgram, config.log_level);
  if (auto exit = checkDependencies(config.redrive.database_url, config.redrive.brokers,
                                    config.redrive.kafka_properties)) {
    return *exit;
  }
  auto report = notification::redrive(config.redrive, std::cout);
  if (!report) return core::app::fail(std::string(kProgram) + " redrive", report.error());
  std::cout << "redrive finished: " << report->redriven << " re-driven, " << report->matched
            << " matched, " << report->already << " re-driven before, " << report->invalid
            << " unreadable, " << report->scanned << " FAILED messages scanned\n";
  return core::kExitOk;
}

int runWorker(const std::vector<std::string>& args) {
  auto parsed = notification::parseWorkerConfig(args);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<notification::WorkerConfig>(parsed);
  if (auto logging = core::logging::init(kProgram, config.log_level, config.log_file); !logging) {
    return core::app::fail(kProgram, logging.error());
  }
  if (auto exit = checkDependencies(config.notifier.database_url, config.notifier.brokers,
                                    config.notifier.kafka_properties)) {
    return *exit;
  }
  {
    notification::SentLog schema(config.notifier.database_url);
    if (auto present = schema.checkSchema(); !present) {
      return core::app::fail(kProgram, present.error());
    }
  }

  core::metrics::Registry metrics;
  notification::Notifier notifier(
      config.notifier,
      [smtp = config.smtp]() { return std::make_unique<notification::SmtpClient>(smtp); }, metrics);
  core::http::StatusServer status(metrics, [&notifier]() { return notifier.problem(); });
  if (!config.metrics_address.empty()) {
    if (auto started = status.start(config.metrics_address); !started) {
      return core::app::fail(kProgram, started.error());
    }
    const auto host = config.metrics_address.substr(0, config.metrics_address.rfind(':'));
    spdlog::info("metrics on http://{}:{}/metrics", host, status.port());
  }
  spdlog::info("smtp={} auth={} starttls={} from={} topics={},{} failed={} max_attempts={}",
               notification::redactUrl(config.smtp.url), config.smtp.user.empty() ? "none" : "on",
               tlsName(config.smtp.tls), config.notifier.sender.address, config.notifier.topic,
               config.notifier.retry_topic, config.notifier.failed_topic,
               config.notifier.retry.max_attempts);

  // SIGTERM: finish (and record) the event in hand, then leave the group.
  std::thread signals([&notifier]() {
    const int signal_number = core::app::waitForTermination();
    spdlog::info("signal {} received; finishing the current event", signal_number);
    notifier.stop();
  });
  notifier.run();
  status.stop();
  if (signals.joinable()) {
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  }
  return core::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "redrive") {
    args.erase(args.begin());
    return core::app::runMain(kProgram, [&]() { return runRedrive(args); });
  }
  core::app::blockTerminationSignals();
  return core::app::runMain(kProgram, [&]() { return runWorker(args); });
}
