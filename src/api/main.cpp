// customer-api: wires the configuration, the connection pool, the service and
// the HTTP server, then waits for SIGTERM.

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/api_config.hpp"
#include "api/api_service.hpp"
#include "api/customer_store.hpp"
#include "api/http_server.hpp"
#include "api/pipeline_views.hpp"
#include "core/app/main_support.hpp"
#include "core/db/pool.hpp"
#include "core/exit_codes.hpp"
#include "core/logging/logging.hpp"

namespace {
constexpr const char* kProgram = "customer-api";

// Each client connection takes two descriptors; the usual soft limit (1024)
// would refuse connections well below --max-connections, so take the hard one.
void raiseDescriptorLimit(std::size_t max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  const std::size_t needed = 2 * max_connections + 256;  // + database, logs, listener
  if (limit.rlim_cur < needed) {
    spdlog::warn("the descriptor limit ({}) is below the {} that --max-connections {} needs",
                 limit.rlim_cur, needed, max_connections);
  }
}
}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so that only sigwait() sees SIGTERM.
  core::app::blockTerminationSignals();
  return core::app::runMain(kProgram, [&]() -> int {
    auto parsed = api::parseApiConfig(argc, argv);
    if (std::holds_alternative<int>(parsed)) return std::get<int>(parsed);
    const auto& config = std::get<api::ApiConfig>(parsed);
    if (auto logging = core::logging::init(kProgram, config.log_level, config.log_file); !logging) {
      return core::app::fail(kProgram, logging.error());
    }

    raiseDescriptorLimit(config.server.max_connections);
    if (auto reachable = core::db::checkDatabase(config.database_url); !reachable) {
      return core::app::fail(kProgram, reachable.error());
    }
    core::metrics::Registry metrics;
    core::db::ConnectionPool pool(
        {config.database_url, config.pool_size, std::chrono::seconds(5), 5,
         [](pqxx::connection& c) { api::CustomerStore::prepareStatements(c); }});
    metrics.gauge("db_pool_connections_in_use", "Pooled connections leased now",
                  [&pool]() { return static_cast<double>(pool.stats().in_use); });
    metrics.gauge("db_pool_connections_open", "Pooled connections open now",
                  [&pool]() { return static_cast<double>(pool.stats().open); });
    metrics.gauge("db_pool_size", "Pool capacity",
                  [&pool]() { return static_cast<double>(pool.stats().size); });
    metrics.gauge("db_pool_acquire_timeouts", "Acquires that gave up waiting",
                  [&pool]() { return static_cast<double>(pool.stats().timeouts); });

    api::CustomerStore store(pool, config.topics, metrics);
    api::PipelineViews views(pool, config.views);
    auto service = std::make_shared<api::ApiService>(store, metrics, config.service, &views);
    auto server_options = config.server;
    if (config.access_log != api::AccessLogMode::kOff) {
      std::shared_ptr<spdlog::logger> access_logger;
      if (!config.access_log_file.path.empty()) {
        auto made = core::logging::makeLogger("access", config.access_log_file);
        if (!made) return core::app::fail(kProgram, made.error());
        access_logger = std::move(made).value();
      }
      server_options.access_log = std::make_shared<api::AccessLog>(
          config.access_log, config.access_log_sample, std::move(access_logger));
    }
    api::HttpServer server(service, server_options);
    try {
      server.start();
    } catch (const std::exception& e) {
      return core::app::fail(kProgram, {core::ErrorKind::kInternal,
                                        "cannot listen on " + config.server.host + ":" +
                                            std::to_string(config.server.port) + ": " + e.what()});
    }
    spdlog::info("listening on http://{}:{} threads={} pool_size={} auth={}", config.server.host,
                 server.port(), config.server.threads, config.pool_size,
                 config.service.tokens.empty() ? "off" : "bearer");

    // Expired idempotency keys are only garbage (lookups ignore them): purge
    // them in small batches now and then.
    std::mutex janitor_mutex;
    std::condition_variable janitor_wake;
    bool stopping = false;
    std::thread janitor([&]() {
      std::unique_lock<std::mutex> lock(janitor_mutex);
      while (!janitor_wake.wait_for(lock, std::chrono::minutes(10), [&] { return stopping; })) {
        auto purged = store.purgeExpiredKeys(1000);
        if (!purged)
          spdlog::warn("purging expired idempotency keys failed: {}", purged.error().message);
        else if (*purged > 0)
          spdlog::info("purged {} expired idempotency keys", *purged);
      }
    });

    const int signal_number = core::app::waitForTermination();
    spdlog::info("signal {} received; finishing requests in progress", signal_number);
    server.stop();
    {
      std::lock_guard<std::mutex> lock(janitor_mutex);
      stopping = true;
    }
    janitor_wake.notify_one();
    janitor.join();
    spdlog::info("stopped");
    return core::kExitOk;
  });
}
