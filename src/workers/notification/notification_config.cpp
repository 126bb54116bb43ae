#include "workers/notification/notification_config.hpp"

#include <fstream>
#include <optional>
#include <sstream>

#include "core/config/common_flags.hpp"
#include "core/config/flag_range.hpp"
#include "core/config/group_flags.hpp"
#include "core/config/log_flags.hpp"
#include "core/config/required_flag.hpp"
#include "core/domain/events.hpp"
#include "workers/notification/notification_event.hpp"

namespace notification {

namespace {
namespace po = core::config::po;
using core::config::readRange;

constexpr const char* kProgram = "notification-worker";

constexpr const char* kWorkerSummary =
    "Sends the e-mails that notification events ask for, over SMTP (libcurl), at most once\n"
    "per event id (a sent log in its own database). Transient failures go to a retry topic\n"
    "with exponential backoff and jitter; permanent ones and events past the attempt limit\n"
    "go to the FAILED topic with their retry log.\n"
    "\n"
    "Commands:\n"
    "  notification-worker [flags]           run the worker until SIGTERM\n"
    "  notification-worker redrive [flags]   move FAILED events back (see redrive --help)";

constexpr const char* kRedriveSummary =
    "Moves events from the FAILED topic back to the notification topic with retries=0 (the\n"
    "retry log is kept, marked \"redriven at ...\"). All of them, or those chosen by\n"
    "--event-id and/or --since/--until (the time they failed). A FAILED message is re-driven\n"
    "once: the notifications database records what was moved. Prints done/total progress.";

const core::config::DatabaseUrlFlag kDatabaseUrl{"database-url", "NOTIFICATION_DATABASE_URL",
                                                 "PostgreSQL URL of the notifications database"};

void addCommonFlags(core::config::CommandLine& cli) {
  core::config::addDatabaseUrlFlag(cli, kDatabaseUrl);
  core::config::addBrokersFlag(cli);
  core::config::addKafkaPropertyFlag(cli);
  cli.add("topic", po::value<std::string>()->default_value(core::domain::kNotificationTopic),
          "notification event topic", "NOTIFICATION_TOPIC");
  cli.add("failed-topic",
          po::value<std::string>()->default_value(core::domain::kNotificationFailedTopic),
          "topic of events that failed for good", "NOTIFICATION_FAILED_TOPIC");
  cli.add("delivery-timeout-ms", po::value<long>()->default_value(30000),
          "how long a forwarded event may wait for the broker's acknowledgement",
          "NOTIFICATION_DELIVERY_TIMEOUT_MS");
}

// Fills what both commands share; an exit code on a bad value.
struct Common {
  std::string database_url;
  std::string brokers;
  core::kafka::Properties properties;
  std::string topic;
  std::string failed_topic;
  std::chrono::milliseconds delivery_timeout{30000};
  std::string log_level;
};

std::optional<int> readCommon(const core::config::CommandLine& cli, Common& out) {
  if (auto e = core::config::readDatabaseUrl(cli, kDatabaseUrl, out.database_url)) return *e;
  if (auto e = core::config::readBrokers(cli, out.brokers)) return *e;
  if (auto e = core::config::readKafkaProperties(cli, out.properties)) return *e;
  out.topic = cli.get<std::string>("topic");
  if (out.topic.empty()) return cli.usageError("--topic must not be empty");
  out.failed_topic = cli.get<std::string>("failed-topic");
  if (out.failed_topic.empty()) return cli.usageError("--failed-topic must not be empty");
  if (out.failed_topic == out.topic) {
    return cli.usageError("--failed-topic must differ from --topic");
  }
  if (auto e = readRange(cli, "delivery-timeout-ms", 1000, 3600000, out.delivery_timeout)) {
    return *e;
  }
  return core::config::readLogLevel(cli, out.log_level);
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
    content.pop_back();
  }
  return content;
}

std::optional<core::domain::Timestamp> timestampFlag(const core::config::CommandLine& cli,
                                                     const char* flag, std::optional<int>& exit) {
  if (!cli.has(flag)) return std::nullopt;
  const auto text = cli.get<std::string>(flag);
  auto ts = core::domain::parseIso8601(text);
  if (!ts) {
    exit = cli.usageError(std::string("--") + flag + ": '" + text +
                          "' is not an ISO 8601 time like 2026-11-28T09:00:00Z");
  }
  return ts;
}

}  // namespace

TlsMode parseTlsMode(const std::string& text, bool& ok) {
  ok = true;
  if (text == "off") return TlsMode::kOff;
  if (text == "try") return TlsMode::kTry;
  if (text == "required") return TlsMode::kRequired;
  ok = false;
  return TlsMode::kTry;
}

std::variant<WorkerConfig, int> parseWorkerConfig(const std::vector<std::string>& args) {
  core::config::CommandLine cli(kProgram, "notification-worker [redrive] [flags]", kWorkerSummary);
  addCommonFlags(cli);
  cli.add("retry-topic",
          po::value<std::string>()->default_value(core::domain::kNotificationRetryTopic),
          "topic of events waiting for another attempt", "NOTIFICATION_RETRY_TOPIC");
  cli.add("group-id", po::value<std::string>()->default_value("notification-worker"),
          "Kafka consumer group", "NOTIFICATION_GROUP_ID");
  core::config::addGroupMembershipFlags(cli, "NOTIFICATION");
  cli.add("smtp-url", po::value<std::string>(),
          "SMTP server: smtp://host[:port] (STARTTLS per --smtp-starttls) or smtps://host[:port]",
          "SMTP_URL");
  cli.add("smtp-port", po::value<long>()->default_value(0),
          "SMTP port, overriding the URL's (0: the URL's)", "NOTIFICATION_SMTP_PORT");
  cli.add("smtp-user", po::value<std::string>()->default_value(""),
          "SMTP user name (empty: no authentication)", "SMTP_USER");
  cli.add("smtp-password", po::value<std::string>(), "SMTP password (prefer the file)",
          "SMTP_PASSWORD");
  cli.add("smtp-password-file", po::value<std::string>(),
          "file holding the SMTP password (trailing newline ignored)", "SMTP_PASSWORD_FILE");
  cli.add("smtp-from",
          po::value<std::string>()->default_value("Customer Service <notifications@localhost>"),
          "From header and envelope sender: address or \"Name <address>\"", "SMTP_FROM");
  cli.add("smtp-starttls", po::value<std::string>()->default_value("try"),
          "off, try (when the server offers it) or required", "SMTP_STARTTLS");
  cli.addSwitch("smtp-insecure", "do not verify the server's TLS certificate", "SMTP_INSECURE");
  cli.add("smtp-connect-timeout-ms", po::value<long>()->default_value(10000),
          "SMTP connect timeout", "SMTP_CONNECT_TIMEOUT_MS");
  cli.add("smtp-timeout-ms", po::value<long>()->default_value(60000),
          "longest time for one whole SMTP transaction", "SMTP_TIMEOUT_MS");
  cli.add("smtp-sessions", po::value<int>()->default_value(8),
          "SMTP sessions sending at once, each with its own sent-log connection; one "
          "customer's mails stay in order on one session (1-64)",
          "NOTIFICATION_SMTP_SESSIONS");
  cli.add("max-attempts", po::value<int>()->default_value(3),
          "sends per event, the first included, before it goes to the FAILED topic",
          "NOTIFICATION_MAX_ATTEMPTS");
  cli.add("retry-base-ms", po::value<long>()->default_value(30000),
          "backoff before the 2nd attempt; doubles per attempt, with jitter (50-100%)",
          "NOTIFICATION_RETRY_BASE_MS");
  cli.add("retry-max-ms", po::value<long>()->default_value(900000), "longest backoff",
          "NOTIFICATION_RETRY_MAX_MS");
  cli.add("max-recipients", po::value<int>()->default_value(10),
          "most addresses an event may name in notifyTo, notifyCC and notifyBCC together; an "
          "event with more goes to the FAILED topic unsent",
          "NOTIFICATION_MAX_RECIPIENTS");
  cli.add("metrics-address", po::value<std::string>()->default_value("127.0.0.1:9466"),
          "host:port for /metrics, /healthz, /readyz (port 0: any free port; empty: off)",
          "NOTIFICATION_METRICS_ADDRESS");
  core::config::addLogLevelFlag(cli);
  core::config::addLogFileFlags(cli);
  if (auto exit = cli.parse(args)) return *exit;

  Common common;
  if (auto exit = readCommon(cli, common)) return *exit;
  WorkerConfig config;
  auto& n = config.notifier;
  n.database_url = common.database_url;
  n.brokers = common.brokers;
  n.kafka_properties = common.properties;
  n.topic = common.topic;
  n.failed_topic = common.failed_topic;
  n.delivery_timeout = common.delivery_timeout;
  config.log_level = common.log_level;
  if (auto e = core::config::readLogFile(cli, config.log_file)) return *e;
  n.retry_topic = cli.get<std::string>("retry-topic");
  if (n.retry_topic.empty()) return cli.usageError("--retry-topic must not be empty");
  if (n.retry_topic == n.topic || n.retry_topic == n.failed_topic) {
    return cli.usageError("--retry-topic must differ from --topic and --failed-topic");
  }
  n.group_id = cli.get<std::string>("group-id");
  if (n.group_id.empty()) return cli.usageError("--group-id must not be empty");
  if (auto e = core::config::readGroupMembership(cli, n.membership)) return *e;

  auto& smtp = config.smtp;
  if (auto e = core::config::readRequired(cli, "smtp-url", "SMTP_URL", smtp.url)) return *e;
  if (smtp.url.rfind("smtp://", 0) != 0 && smtp.url.rfind("smtps://", 0) != 0) {
    return cli.usageError("--smtp-url must start with smtp:// or smtps://");
  }
  if (smtp.url.size() <= smtp.url.find("://") + 3) {
    return cli.usageError("--smtp-url names no host");
  }
  smtp.port = cli.get<long>("smtp-port");
  if (smtp.port < 0 || smtp.port > 65535) return cli.usageError("--smtp-port must be 0 to 65535");
  smtp.user = cli.get<std::string>("smtp-user");
  if (cli.has("smtp-password") && cli.has("smtp-password-file")) {
    return cli.usageError("--smtp-password and --smtp-password-file exclude each other");
  }
  if (cli.has("smtp-password")) smtp.password = cli.get<std::string>("smtp-password");
  if (cli.has("smtp-password-file")) {
    const auto path = cli.get<std::string>("smtp-password-file");
    auto password = readFile(path);
    if (!password) return cli.usageError("--smtp-password-file: cannot read '" + path + "'");
    smtp.password = *password;
  }
  if (!smtp.password.empty() && smtp.user.empty()) {
    return cli.usageError("an SMTP password needs --smtp-user");
  }
  bool tls_ok = false;
  smtp.tls = parseTlsMode(cli.get<std::string>("smtp-starttls"), tls_ok);
  if (!tls_ok) return cli.usageError("--smtp-starttls must be off, try or required");
  smtp.verify_tls = !cli.flag("smtp-insecure");
  if (auto e = readRange(cli, "smtp-connect-timeout-ms", 100, 600000, smtp.connect_timeout)) {
    return *e;
  }
  const auto after_connect =
      core::config::Bound::flag("smtp-connect-timeout-ms", smtp.connect_timeout.count());
  if (auto e = readRange(cli, "smtp-timeout-ms", after_connect, 3600000, smtp.timeout)) return *e;
  if (auto e = readRange(cli, "smtp-sessions", 1, 64, n.smtp_sessions)) return *e;

  const auto from = cli.get<std::string>("smtp-from");
  auto from_address = bareAddress(from);
  if (!from_address) return cli.usageError("--smtp-from: " + from_address.error().message);
  n.sender = {from, *from_address};

  if (auto e = readRange(cli, "max-attempts", 1, 100, n.retry.max_attempts)) return *e;
  if (auto e = readRange(cli, "retry-base-ms", 1, 86400000, n.retry.base)) return *e;
  const auto after_base = core::config::Bound::flag("retry-base-ms", n.retry.base.count());
  if (auto e = readRange(cli, "retry-max-ms", after_base, 86400000, n.retry.max)) return *e;
  if (auto e = readRange(cli, "max-recipients", 1, 1000, n.max_recipients)) return *e;
  config.metrics_address = cli.get<std::string>("metrics-address");
  return config;
}

std::variant<RedriveConfig, int> parseRedriveConfig(const std::vector<std::string>& args) {
  core::config::CommandLine cli("notification-worker redrive",
                                "notification-worker redrive [flags]", kRedriveSummary);
  addCommonFlags(cli);
  cli.add("event-id", po::value<std::vector<std::string>>()->composing(),
          "re-drive only this event id (repeatable)");
  cli.add("since", po::value<std::string>(), "re-drive events that failed at or after this time");
  cli.add("until", po::value<std::string>(), "re-drive events that failed before this time");
  cli.addSwitch("dry-run", "list what would be re-driven, change nothing");
  cli.add("read-timeout-ms", po::value<long>()->default_value(30000),
          "how long reading the FAILED topic to its end may take", "REDRIVE_READ_TIMEOUT_MS");
  core::config::addLogLevelFlag(cli);
  if (auto exit = cli.parse(args)) return *exit;

  Common common;
  if (auto exit = readCommon(cli, common)) return *exit;
  RedriveConfig config;
  auto& r = config.redrive;
  r.database_url = common.database_url;
  r.brokers = common.brokers;
  r.kafka_properties = common.properties;
  r.target_topic = common.topic;
  r.failed_topic = common.failed_topic;
  r.delivery_timeout = common.delivery_timeout;
  config.log_level = common.log_level;
  if (cli.has("event-id")) {
    for (const auto& id : cli.get<std::vector<std::string>>("event-id")) {
      if (id.empty()) return cli.usageError("--event-id must not be empty");
      r.event_ids.insert(id);
    }
  }
  std::optional<int> exit;
  r.since = timestampFlag(cli, "since", exit);
  if (exit) return *exit;
  r.until = timestampFlag(cli, "until", exit);
  if (exit) return *exit;
  if (r.since && r.until && !(*r.since < *r.until)) {
    return cli.usageError("--since must be before --until");
  }
  r.dry_run = cli.flag("dry-run");
  if (auto e = readRange(cli, "read-timeout-ms", 1000, 3600000, r.read_timeout)) return *e;
  return config;
}

}  // namespace notification
