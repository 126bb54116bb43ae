#include "workers/replication/replication_config.hpp"

#include "core/config/common_flags.hpp"
#include "core/config/flag_range.hpp"
#include "core/config/group_flags.hpp"
#include "core/config/log_flags.hpp"

namespace replication {

namespace {
namespace po = core::config::po;

constexpr const char* kSummary =
    "Consumes customer CRUD events and keeps the replica's customers table equal to the\n"
    "source. Each batch is applied in ONE replica transaction that also stores the consumed\n"
    "offsets; on start and on assignment the worker seeks to those offsets, and an event is\n"
    "applied only if its version is newer than the replica row's (deletes leave tombstones),\n"
    "so every event takes effect exactly once. Malformed events go to the dead-letter topic.\n"
    "\n"
    "  replication-worker verify --source-database-url URL --replica-database-url URL\n"
    "compares the source and the replica (see `replication-worker verify --help`);\n"
    "  replication-worker after-restore [flags]\n"
    "makes a source restored from a backup safe to write again (see its --help).";

constexpr const char* kVerifySummary =
    "Compares the source customers table with the replica: ids, versions and every field;\n"
    "a deleted source customer must be a tombstone in the replica. Each side is read in one\n"
    "consistent snapshot, in id chunks compared by hash; only differing chunks are read row\n"
    "by row. Prints the first differences and a summary.\n"
    "Exit codes (verify): 0 equal, 1 differences found, 2 bad flag, 3 database unreachable.";

constexpr const char* kAfterRestoreSummary =
    "Run once after the source database was restored from a backup, with customer-api and\n"
    "outbox-relay stopped and replication-worker caught up, as the source's OWNER role (it\n"
    "moves sequences). The topic and the replica hold the lost window's versions and ids:\n"
    "in one locked source transaction it moves the customer and outbox id sequences past\n"
    "every id the replica and the topic's tail know, gives each customer whose replica\n"
    "version is the source's or newer with other content the next version (one CRUD event,\n"
    "no e-mail), keeps the lost window's customers as tombstones (a delete event), then\n"
    "repairs the replica and verifies. A second run changes nothing.\n"
    "Exit codes (after-restore): 0 the replica equals the source, 1 failure or differences\n"
    "left, 2 bad flag, 3 database or broker unreachable, 4 the replica lags the topic\n"
    "(nothing changed).";

using core::config::readRange;

const core::config::DatabaseUrlFlag kReplicaUrl{"replica-database-url", "REPLICA_DATABASE_URL",
                                                "PostgreSQL URL of the replica database"};
const core::config::DatabaseUrlFlag kSourceUrl{"source-database-url", "DATABASE_URL",
                                               "PostgreSQL URL of the source (customers) database"};

}  // namespace

bool isValidTopicName(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool isValidListenAddress(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return std::stol(port) <= 65535;
}

std::variant<ReplicationConfig, int> parseReplicationConfig(const std::vector<std::string>& args) {
  core::config::CommandLine cli(
      kProgram, "replication-worker [flags] | replication-worker verify [flags]", kSummary);
  const ReplicatorOptions defaults;
  core::config::addDatabaseUrlFlag(cli, kReplicaUrl);
  core::config::addBrokersFlag(cli);
  cli.add("topic", po::value<std::string>()->default_value(defaults.topic), "CRUD event topic",
          "REPLICATION_TOPIC");
  cli.add("group-id", po::value<std::string>()->default_value(defaults.group_id),
          "Kafka consumer group (also the key of the offsets stored in the replica)",
          "REPLICATION_GROUP_ID");
  core::config::addGroupMembershipFlags(cli, "REPLICATION");
  cli.add("dlq-topic", po::value<std::string>()->default_value(defaults.dead_letter_topic),
          "dead-letter topic for events that cannot be applied", "REPLICATION_DLQ_TOPIC");
  core::config::addKafkaPropertyFlag(
      cli,
      "extra librdkafka property key=value for the consumer and the DLQ producer (repeatable)");
  cli.add("batch-size", po::value<long>()->default_value(static_cast<long>(defaults.batch_size)),
          "most events applied per replica transaction", "REPLICATION_BATCH_SIZE");
  cli.add("poll-timeout-ms", po::value<long>()->default_value(defaults.poll_timeout.count()),
          "how long to wait for the first event of a batch", "REPLICATION_POLL_TIMEOUT_MS");
  cli.add("dlq-timeout-ms", po::value<long>()->default_value(defaults.dead_letter_timeout.count()),
          "how long to wait for the dead-letter topic's acknowledgement before retrying",
          "REPLICATION_DLQ_TIMEOUT_MS");
  cli.add("commit-interval-ms",
          po::value<long>()->default_value(defaults.kafka_commit_interval.count()),
          "how often the group offsets are also committed to Kafka (for lag tools only)",
          "REPLICATION_COMMIT_INTERVAL_MS");
  cli.add("max-backoff-ms", po::value<long>()->default_value(defaults.max_backoff.count()),
          "longest wait between reconnection attempts (the wait doubles up to it)",
          "REPLICATION_MAX_BACKOFF_MS");
  cli.add("metrics-address", po::value<std::string>()->default_value(kDefaultMetricsAddress),
          "host:port for /metrics, /healthz, /readyz (port 0: any free port; empty: off)",
          "REPLICATION_METRICS_ADDRESS");
  core::config::addLogLevelFlag(cli);
  core::config::addLogFileFlags(cli);
  if (auto exit = cli.parse(args)) return *exit;

  ReplicationConfig config;
  auto& o = config.replicator;
  if (auto e = core::config::readDatabaseUrl(cli, kReplicaUrl, o.database_url)) return *e;
  if (auto e = core::config::readBrokers(cli, o.brokers)) return *e;
  o.topic = cli.get<std::string>("topic");
  if (!isValidTopicName(o.topic)) {
    return cli.usageError("--topic: '" + o.topic + "' is not a valid Kafka topic name");
  }
  o.dead_letter_topic = cli.get<std::string>("dlq-topic");
  if (!isValidTopicName(o.dead_letter_topic)) {
    return cli.usageError("--dlq-topic: '" + o.dead_letter_topic +
                          "' is not a valid Kafka topic name");
  }
  if (o.dead_letter_topic == o.topic) {
    return cli.usageError("--dlq-topic must differ from --topic");
  }
  o.group_id = cli.get<std::string>("group-id");
  if (o.group_id.empty()) return cli.usageError("--group-id must not be empty");
  if (auto e = core::config::readGroupMembership(cli, o.membership)) return *e;
  if (auto e = core::config::readKafkaProperties(cli, o.kafka_properties)) return *e;
  if (auto e = readRange(cli, "batch-size", 1, 100000, o.batch_size)) return *e;
  if (auto e = readRange(cli, "poll-timeout-ms", 1, 60000, o.poll_timeout)) return *e;
  if (auto e = readRange(cli, "dlq-timeout-ms", 100, 3600000, o.dead_letter_timeout)) return *e;
  if (auto e = readRange(cli, "commit-interval-ms", 1, 3600000, o.kafka_commit_interval)) {
    return *e;
  }
  if (auto e = readRange(cli, "max-backoff-ms", 100, 600000, o.max_backoff)) return *e;
  config.metrics_address = cli.get<std::string>("metrics-address");
  if (!config.metrics_address.empty() && !isValidListenAddress(config.metrics_address)) {
    return cli.usageError("--metrics-address: '" + config.metrics_address +
                          "' is not host:port (port 0 to 65535)");
  }
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  if (auto e = core::config::readLogFile(cli, config.log_file)) return *e;
  return config;
}

std::variant<VerifyConfig, int> parseVerifyConfig(const std::vector<std::string>& args) {
  core::config::CommandLine cli(std::string(kProgram) + " verify",
                                "replication-worker verify [flags]", kVerifySummary);
  const VerifyOptions defaults;
  core::config::addDatabaseUrlFlag(cli, kSourceUrl);
  core::config::addDatabaseUrlFlag(cli, kReplicaUrl);
  cli.add("max-differences",
          po::value<long>()->default_value(static_cast<long>(defaults.max_listed)),
          "differences printed in full (all are counted)", "VERIFY_MAX_DIFFERENCES");
  cli.add("chunk-size", po::value<long>()->default_value(static_cast<long>(defaults.chunk_size)),
          "customers per compared chunk", "VERIFY_CHUNK_SIZE");
  cli.addSwitch("repair",
                "rewrite every differing replica row from the source (and delete replica rows the "
                "source lacks), then verify again; safe while the worker runs",
                "VERIFY_REPAIR");
  core::config::addLogLevelFlag(cli);
  if (auto exit = cli.parse(args)) return *exit;

  VerifyConfig config;
  auto& v = config.verify;
  if (auto e = core::config::readDatabaseUrl(cli, kSourceUrl, v.source_url)) return *e;
  if (auto e = core::config::readDatabaseUrl(cli, kReplicaUrl, v.replica_url)) return *e;
  if (auto e = readRange(cli, "max-differences", 0, 1000000, v.max_listed)) return *e;
  if (auto e = readRange(cli, "chunk-size", 1, 1000000, v.chunk_size)) return *e;
  v.repair = cli.flag("repair");
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  return config;
}

std::variant<AfterRestoreConfig, int> parseAfterRestoreConfig(
    const std::vector<std::string>& args) {
  core::config::CommandLine cli(std::string(kProgram) + " after-restore",
                                "replication-worker after-restore [flags]", kAfterRestoreSummary);
  const AfterRestoreOptions defaults;
  const ReplicatorOptions worker;
  core::config::addDatabaseUrlFlag(cli, kSourceUrl);
  core::config::addDatabaseUrlFlag(cli, kReplicaUrl);
  core::config::addBrokersFlag(cli);
  core::config::addKafkaPropertyFlag(cli, "extra librdkafka property key=value (repeatable)");
  cli.add("topic", po::value<std::string>()->default_value(worker.topic), "CRUD event topic",
          "REPLICATION_TOPIC");
  cli.add("group-id", po::value<std::string>()->default_value(worker.group_id),
          "the worker's consumer group: the key of the offsets stored in the replica (the "
          "group is not joined)",
          "REPLICATION_GROUP_ID");
  cli.add("wait-seconds", po::value<long>()->default_value(defaults.wait.count()),
          "wait this long for the replica to catch up with the topic before refusing",
          "AFTER_RESTORE_WAIT_SECONDS");
  cli.add("chunk-size",
          po::value<long>()->default_value(static_cast<long>(defaults.verify.chunk_size)),
          "customers per compared chunk (verify)", "VERIFY_CHUNK_SIZE");
  core::config::addLogLevelFlag(cli);
  if (auto exit = cli.parse(args)) return *exit;

  AfterRestoreConfig config;
  auto& o = config.options;
  if (auto e = core::config::readDatabaseUrl(cli, kSourceUrl, o.verify.source_url)) return *e;
  if (auto e = core::config::readDatabaseUrl(cli, kReplicaUrl, o.verify.replica_url)) return *e;
  if (auto e = core::config::readBrokers(cli, o.brokers)) return *e;
  if (auto e = core::config::readKafkaProperties(cli, o.kafka_properties)) return *e;
  o.topic = cli.get<std::string>("topic");
  if (!isValidTopicName(o.topic)) {
    return cli.usageError("--topic: '" + o.topic + "' is not a valid Kafka topic name");
  }
  o.group_id = cli.get<std::string>("group-id");
  if (o.group_id.empty()) return cli.usageError("--group-id must not be empty");
  if (auto e = readRange(cli, "wait-seconds", 0, 86400, o.wait)) return *e;
  if (auto e = readRange(cli, "chunk-size", 1, 1000000, o.verify.chunk_size)) return *e;
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  return config;
}

}  // namespace replication
