// replication-worker: wires the configuration, the status server and the
// replication loop; `replication-worker verify` compares source and replica;
// `replication-worker after-restore` readies a restored source for writes.

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <thread>

#include "core/app/main_support.hpp"
#include "core/db/connection_url.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"
#include "core/http/status_server.hpp"
#include "core/kafka/admin.hpp"
#include "core/logging/logging.hpp"
#include "workers/replication/repair.hpp"
#include "workers/replication/replica_store.hpp"
#include "workers/replication/replication_config.hpp"
#include "workers/replication/replicator.hpp"
#include "workers/replication/verify.hpp"

namespace {

using replication::kProgram;

int verifyCommand(const std::vector<std::string>& args) {
  auto parsed = replication::parseVerifyConfig(args);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<replication::VerifyConfig>(parsed);
  (void)core::logging::init(kProgram, config.log_level);
  auto report = replication::verifyReplica(config.verify);
  if (!report) return core::app::fail(std::string(kProgram) + " verify", report.error());
  std::cout << replication::formatReport(*report) << std::flush;
  if (!config.verify.repair || report->equal()) {
    return report->equal() ? core::kExitOk : core::kExitFailure;
  }
  auto repaired = replication::repairReplica(config.verify.source_url, config.verify.replica_url,
                                             report->differing_ids);
  if (!repaired)
    return core::app::fail(std::string(kProgram) + " verify --repair", repaired.error());
  std::cout << "REPAIRED: rewritten=" << repaired->rewritten << " deleted=" << repaired->deleted
            << "; verifying again\n";
  // The worker may be applying newer events meanwhile: verify again, and
  // exit 0 only when the replica now equals the source.
  auto again = replication::verifyReplica(config.verify);
  if (!again) return core::app::fail(std::string(kProgram) + " verify", again.error());
  std::cout << replication::formatReport(*again) << std::flush;
  return again->equal() ? core::kExitOk : core::kExitFailure;
}

int afterRestoreCommand(const std::vector<std::string>& args) {
  auto parsed = replication::parseAfterRestoreConfig(args);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<replication::AfterRestoreConfig>(parsed);
  (void)core::logging::init(kProgram, config.log_level);
  // Ctrl-C or SIGTERM ends it at once, whatever it is doing: the source's
  // changes are one transaction, and a rerun picks up where it stopped.
  sigset_t termination;
  sigemptyset(&termination);
  sigaddset(&termination, SIGTERM);
  sigaddset(&termination, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &termination, nullptr);
  const std::string command = std::string(kProgram) + " after-restore";
  auto report = replication::afterRestore(config.options);
  if (!report) return core::app::fail(command, report.error());
  std::cout << replication::formatAfterRestore(*report) << std::flush;
  if (!report->lagging.empty()) return replication::kExitReplicaLags;
  return report->final_report.equal() ? core::kExitOk : core::kExitFailure;
}

int runCommand(const std::vector<std::string>& args) {
  auto parsed = replication::parseReplicationConfig(args);
  if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
  const auto& config = std::get<replication::ReplicationConfig>(parsed);
  if (auto logging = core::logging::init(kProgram, config.log_level, config.log_file); !logging) {
    return core::app::fail(kProgram, logging.error());
  }
  const auto& options = config.replicator;

  // Start-up checks: a wrong address or a missing schema is reported now, not
  // retried forever.
  if (auto reachable = core::db::checkDatabase(options.database_url); !reachable) {
    return core::app::fail(kProgram, reachable.error());
  }
  if (auto reachable = core::kafka::checkBrokers(options.brokers, options.kafka_properties);
      !reachable) {
    return core::app::fail(kProgram, reachable.error());
  }
  {
    replication::ReplicaStore store(options.database_url);
    if (auto schema = store.connect(); !schema) return core::app::fail(kProgram, schema.error());
  }

  core::metrics::Registry metrics;
  replication::Replicator replicator(options, metrics);
  core::http::StatusServer status(metrics, [&replicator]() { return replicator.problem(); });
  if (!config.metrics_address.empty()) {
    if (auto started = status.start(config.metrics_address); !started) {
      auto error = started.error();
      error.message = "--metrics-address " + config.metrics_address + ": " + error.message;
      return core::app::fail(kProgram, error);
    }
    const auto host = config.metrics_address.substr(0, config.metrics_address.rfind(':'));
    spdlog::info("metrics on http://{}:{}/metrics", host, status.port());
  }
  spdlog::info("replicating {} (group {}) into {}; dead letters to {}", options.topic,
               options.group_id, core::db::redactPassword(options.database_url),
               options.dead_letter_topic);

  // SIGTERM: finish and record the batch in flight, then exit.
  std::thread signals([&replicator]() {
    const int signal_number = core::app::waitForTermination();
    spdlog::info("signal {} received; finishing the current batch", signal_number);
    replicator.stop();
  });
  replicator.run();
  status.stop();
  if (signals.joinable()) {
    pthread_kill(signals.native_handle(), SIGTERM);  // no-op wake-up if it already returned
    signals.join();
  }
  const auto stats = replicator.stats();
  spdlog::info("stopped: applied={} stale={} superseded={} dead_lettered={} batches={}",
               stats.applied, stats.stale, stats.superseded, stats.dead_lettered, stats.batches);
  return core::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  core::app::blockTerminationSignals();
  return core::app::runMain(kProgram, [&]() -> int {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args.front() == "verify") {
      return verifyCommand(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (!args.empty() && args.front() == "after-restore") {
      return afterRestoreCommand(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    return runCommand(args);
  });
}
