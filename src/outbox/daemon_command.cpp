#include "outbox/daemon_command.hpp"

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"
#include "core/http/status_server.hpp"
#include "core/kafka/admin.hpp"
#include "core/logging/logging.hpp"
#include "outbox/notify_listener.hpp"
#include "outbox/parked_rows.hpp"
#include "outbox/relay.hpp"
#include "outbox/relay_config.hpp"
#include "outbox/retention_task.hpp"

namespace outbox {

namespace {

// After a successful --once: 0, or kExitParkedRows when rows wait for an operator.
int parkedRowsExit(const std::string& program, const std::string& database_url) {
  auto rows = ParkedRows::open(database_url);
  if (!rows) return core::app::fail(program, rows.error());
  auto parked = (*rows)->list(false, 1000);
  if (!parked) return core::app::fail(program, parked.error());
  if (parked->empty()) return core::kExitOk;
  std::cerr << program << ": error: " << parked->size() << (parked->size() == 1000 ? "+" : "")
            << " parked rows wait for an operator (outbox-relay parked list)\n";
  return kExitParkedRows;
}

}  // namespace

int runDaemonCommand(const Invocation& invocation) {
  const std::string& program = invocation.name;
  auto parsed = parseRelayConfig(invocation.args);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<RelayConfig>(parsed);
  if (auto logging = core::logging::init(program, config.log_level, config.log_file); !logging) {
    return core::app::fail(program, logging.error());
  }

  // Start-up checks: a wrong address is reported now, not retried forever.
  if (auto reachable = core::db::checkDatabase(config.relay.database_url); !reachable) {
    return core::app::fail(program, reachable.error());
  }
  if (auto reachable =
          core::kafka::checkBrokers(config.relay.brokers, config.relay.kafka_properties);
      !reachable) {
    return core::app::fail(program, reachable.error());
  }

  core::metrics::Registry metrics;
  outbox::Relay relay(config.relay, metrics);
  core::http::StatusServer status(metrics, [&relay]() { return relay.problem(); });
  if (!config.metrics_address.empty()) {
    if (auto started = status.start(config.metrics_address); !started) {
      return core::app::fail(program, started.error());
    }
    spdlog::info("metrics on http://{}/metrics", config.metrics_address);
  }

  std::unique_ptr<NotifyListener> listener;
  if (config.listen_notify && !config.once) {
    listener = std::make_unique<NotifyListener>(config.relay.database_url, config.notify_channel,
                                                [&relay]() { relay.wake(); });
    listener->start();
  }
  std::unique_ptr<RetentionTask> retention;
  if (config.retention && !config.once) {
    retention = std::make_unique<RetentionTask>(
        *config.retention, config.retention_interval, [&relay]() { return relay.isLeader(); },
        metrics);
    retention->start();
  }

  // SIGTERM: finish the batch in flight (marks included), then exit.
  std::thread signals([&relay]() {
    const int signal_number = core::app::waitForTermination();
    spdlog::info("signal {} received; finishing the current batch", signal_number);
    relay.stop();
  });

  int exit_code = core::kExitOk;
  if (config.once) {
    if (auto done = relay.runOnce(config.lock_wait); !done) {
      exit_code = core::app::fail(program, done.error());
    } else {
      spdlog::info("outbox drained");
      exit_code = parkedRowsExit(program, config.relay.database_url);
    }
  } else {
    relay.run();
  }
  if (retention) retention->stop();
  if (listener) listener->stop();
  status.stop();
  // Wake the signal thread if it is still waiting (the --once path).
  if (signals.joinable()) {
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
  }
  return exit_code;
}

}  // namespace outbox
