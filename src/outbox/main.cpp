// outbox-relay: wires the configuration, the status server and the relay loop.

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <csignal>
#include <thread>

#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"
#include "core/http/status_server.hpp"
#include "core/kafka/admin.hpp"
#include "core/logging/logging.hpp"
#include "outbox/relay.hpp"
#include "outbox/relay_config.hpp"

namespace {
constexpr const char* kProgram = "outbox-relay";
}

int main(int argc, char** argv) {
  core::app::blockTerminationSignals();
  return core::app::runMain(kProgram, [&]() -> int {
    auto parsed = outbox::parseRelayConfig(argc, argv);
    if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
    const auto& config = std::get<outbox::RelayConfig>(parsed);
    (void)core::logging::init(kProgram, config.log_level);

    // Start-up checks: a wrong address is reported now, not retried forever.
    if (auto reachable = core::db::checkDatabase(config.relay.database_url); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    if (auto reachable = core::kafka::checkBrokers(config.relay.brokers); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }

    core::metrics::Registry metrics;
    outbox::Relay relay(config.relay, metrics);
    core::http::StatusServer status(metrics, [&relay]() { return relay.problem(); });
    if (!config.metrics_address.empty()) {
      if (auto started = status.start(config.metrics_address); !started) {
        return core::app::fail(kProgram, started.error());
      }
      spdlog::info("metrics on http://{}/metrics", config.metrics_address);
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
        exit_code = core::app::fail(kProgram, done.error());
      } else {
        spdlog::info("outbox drained");
      }
    } else {
      relay.run();
    }
    status.stop();
    // Wake the signal thread if it is still waiting (the --once path).
    if (signals.joinable()) {
      pthread_kill(signals.native_handle(), SIGTERM);
      signals.join();
    }
    return exit_code;
  });
}
