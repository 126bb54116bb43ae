#include "outbox/relay_config.hpp"

#include "core/app/main_support.hpp"
#include "core/kafka/properties.hpp"
#include "core/logging/logging.hpp"

namespace outbox {

namespace {
namespace po = core::config::po;

constexpr const char* kSummary =
    "Publishes committed outbox rows to Kafka in id order with an idempotent producer\n"
    "(acks=all) and marks only what the broker persisted. One relay publishes at a time\n"
    "(PostgreSQL advisory lock); others wait as hot standbys and take over when the\n"
    "leader's session dies. --once publishes everything pending and exits.";
}  // namespace

std::variant<RelayConfig, int> parseRelayConfig(int argc, char** argv) {
  core::config::CommandLine cli("outbox-relay", "outbox-relay [flags]", kSummary);
  cli.add("database-url", po::value<std::string>(), "PostgreSQL URL of the customers database",
          "DATABASE_URL");
  cli.add("brokers", po::value<std::string>(), "Kafka bootstrap servers", "KAFKA_BROKERS");
  cli.add("kafka-property,X", po::value<std::vector<std::string>>()->composing(),
          "extra librdkafka producer property key=value (repeatable)");
  cli.add("batch-size", po::value<std::size_t>()->default_value(1000), "rows per batch",
          "RELAY_BATCH_SIZE");
  cli.add("poll-interval-ms", po::value<long>()->default_value(5),
          "poll interval while rows keep coming", "RELAY_POLL_INTERVAL_MS");
  cli.add("idle-interval-ms", po::value<long>()->default_value(250),
          "longest poll interval when idle (the interval doubles up to it)", "RELAY_IDLE_INTERVAL_MS");
  cli.add("standby-interval-ms", po::value<long>()->default_value(1000),
          "how often a standby tries to take the leader lock", "RELAY_STANDBY_INTERVAL_MS");
  cli.add("lock-key", po::value<std::int64_t>()->default_value(RelayOptions{}.lock_key),
          "PostgreSQL advisory lock key shared by the relays of one outbox", "RELAY_LOCK_KEY");
  cli.add("delivery-timeout-ms", po::value<long>()->default_value(120000),
          "how long a message may wait for the broker before the batch is retried",
          "RELAY_DELIVERY_TIMEOUT_MS");
  cli.add("max-attempts", po::value<int>()->default_value(5),
          "refusals by the broker before a row is parked", "RELAY_MAX_ATTEMPTS");
  cli.add("max-message-bytes", po::value<std::size_t>()->default_value(1000000),
          "rows larger than this are parked without being sent", "RELAY_MAX_MESSAGE_BYTES");
  cli.addSwitch("once", "publish everything pending, then exit (0: all published)", "RELAY_ONCE");
  cli.add("lock-wait-ms", po::value<long>()->default_value(30000),
          "with --once: how long to wait for the leader lock", "RELAY_LOCK_WAIT_MS");
  cli.add("metrics-address", po::value<std::string>()->default_value("127.0.0.1:9464"),
          "host:port for /metrics, /healthz, /readyz (empty: off)", "RELAY_METRICS_ADDRESS");
  core::app::addLogLevelFlag(cli);
  if (auto exit = cli.parse(argc, argv)) return *exit;

  RelayConfig config;
  auto url = core::app::requireFlag(cli, "database-url", "DATABASE_URL");
  if (!url) return cli.usageError(url.error().message);
  auto brokers = core::app::requireFlag(cli, "brokers", "KAFKA_BROKERS");
  if (!brokers) return cli.usageError(brokers.error().message);
  config.relay.database_url = *url;
  config.relay.brokers = *brokers;
  if (cli.has("kafka-property")) {
    for (const auto& text : cli.get<std::vector<std::string>>("kafka-property")) {
      auto property = core::kafka::parseProperty(text);
      if (!property) return cli.usageError("-X: " + property.error().message);
      config.relay.kafka_properties.push_back(*property);
    }
  }
  const auto positive = [&](const char* flag, long value, long max) -> std::optional<int> {
    if (value < 1 || value > max) {
      return cli.usageError(std::string("--") + flag + " must be from 1 to " + std::to_string(max));
    }
    return std::nullopt;
  };
  const auto batch = cli.get<std::size_t>("batch-size");
  if (auto e = positive("batch-size", static_cast<long>(batch), 100000)) return *e;
  config.relay.batch_size = batch;
  for (const char* flag : {"poll-interval-ms", "idle-interval-ms", "standby-interval-ms"}) {
    if (auto e = positive(flag, cli.get<long>(flag), 600000)) return *e;
  }
  config.relay.poll_interval = std::chrono::milliseconds(cli.get<long>("poll-interval-ms"));
  config.relay.idle_interval = std::chrono::milliseconds(cli.get<long>("idle-interval-ms"));
  if (config.relay.idle_interval < config.relay.poll_interval) {
    return cli.usageError("--idle-interval-ms must not be below --poll-interval-ms");
  }
  config.relay.standby_interval = std::chrono::milliseconds(cli.get<long>("standby-interval-ms"));
  if (auto e = positive("delivery-timeout-ms", cli.get<long>("delivery-timeout-ms"), 3600000)) return *e;
  config.relay.delivery_timeout = std::chrono::milliseconds(cli.get<long>("delivery-timeout-ms"));
  if (auto e = positive("max-attempts", cli.get<int>("max-attempts"), 1000)) return *e;
  config.relay.max_attempts = cli.get<int>("max-attempts");
  const auto max_bytes = cli.get<std::size_t>("max-message-bytes");
  if (max_bytes < 1024 || max_bytes > 100000000) {
    return cli.usageError("--max-message-bytes must be from 1024 to 100000000");
  }
  config.relay.max_message_bytes = max_bytes;
  config.relay.lock_key = cli.get<std::int64_t>("lock-key");
  config.once = cli.flag("once");
  if (auto e = positive("lock-wait-ms", cli.get<long>("lock-wait-ms"), 3600000)) return *e;
  config.lock_wait = std::chrono::milliseconds(cli.get<long>("lock-wait-ms"));
  config.metrics_address = cli.get<std::string>("metrics-address");
  config.log_level = cli.get<std::string>("log-level");
  if (!core::logging::isValidLevel(config.log_level)) {
    return cli.usageError("--log-level: unknown level '" + config.log_level + "'");
  }
  return config;
}

}  // namespace outbox
