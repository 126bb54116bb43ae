#include "api/api_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>

#include "api/edge_policy.hpp"
#include "api/http_tokens.hpp"
#include "api/text.hpp"
#include "core/config/common_flags.hpp"
#include "core/config/flag_range.hpp"
#include "core/config/log_flags.hpp"

namespace api {

namespace {

namespace po = core::config::po;

// "name:token" entries, or a bare token (named token-N). Returns an error text.
std::optional<std::string> addTokens(const std::string& text, const std::string& source,
                                     std::map<std::string, std::string>& tokens) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find_first_of(",\n", start);
    if (end == std::string::npos) end = text.size();
    const std::string entry = trim(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty() || entry[0] == '#') continue;
    const auto colon = entry.find(':');
    const std::string name = colon == std::string::npos
                                 ? "token-" + std::to_string(tokens.size() + 1)
                                 : entry.substr(0, colon);
    const std::string token = colon == std::string::npos ? entry : entry.substr(colon + 1);
    if (token.size() < 16) return source + ": a token must be at least 16 characters";
    tokens[token] = name;
  }
  return std::nullopt;
}

// Comma-separated entries, trimmed, empty ones dropped.
std::vector<std::string> commaList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    auto entry = trim(text.substr(start, end - start));
    if (!entry.empty()) out.push_back(std::move(entry));
    start = end + 1;
  }
  return out;
}

// "https://app.example.com[:port]": what a browser sends in Origin.
bool isOrigin(const std::string& text) {
  for (const char* scheme : {"http://", "https://"}) {
    const std::string prefix = scheme;
    if (text.rfind(prefix, 0) != 0 || text.size() == prefix.size()) continue;
    const auto rest = text.substr(prefix.size());
    return rest.find_first_of("/?#*@ ") == std::string::npos;
  }
  return false;
}

// True for a host only this machine can reach: 127.0.0.0/8, ::1 (bracketed or
// not) and localhost. Auth may be off only there.
bool isLoopbackHost(const std::string& host) {
  std::string name = lowerCase(host);
  if (name == "localhost") return true;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, name.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
  return false;
}

}  // namespace

std::optional<std::pair<std::string, std::uint16_t>> parseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  const std::string port_text = text.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return std::nullopt;
  return std::make_pair(text.substr(0, colon), static_cast<std::uint16_t>(port));
}

std::variant<ApiConfig, int> parseApiConfig(int argc, char** argv) {
  core::config::CommandLine cli(
      "customer-api", "customer-api [flags]",
      "REST API for customers. Every change and its events (a CRUD event and an e-mail\n"
      "notification) are written in ONE PostgreSQL transaction; no request talks to Kafka.");
  core::config::addDatabaseUrlFlag(cli, core::config::kCustomersDatabaseUrl);
  cli.add("notifications-database-url", po::value<std::string>()->default_value(""),
          "PostgreSQL URL of the notification worker's database, read for the e-mails' state "
          "in a customer's history (empty: shown as unknown)",
          "NOTIFICATION_DATABASE_URL");
  cli.add("pipeline-metrics", po::value<std::string>()->default_value(""),
          "name=url,… of the /metrics pages the pipeline panel shows, e.g. "
          "outbox-relay=http://127.0.0.1:9464/metrics (empty: the database's figures only)",
          "API_PIPELINE_METRICS");
  cli.add("listen", po::value<std::string>()->default_value("127.0.0.1:8080"),
          "address:port to serve HTTP on (port 0: any free port)", "API_LISTEN");
  cli.add("threads", po::value<int>()->default_value(2),
          "HTTP reactor threads (network I/O only; they never wait for the database)",
          "API_THREADS");
  cli.add("workers", po::value<int>()->default_value(4),
          "threads that run requests using the database, one request each at a time",
          "API_WORKERS");
  cli.add("read-threads", po::value<int>()->default_value(1),
          "threads reading customers by id, each many per query (0: the workers read)",
          "API_READ_THREADS");
  cli.add("pool-size", po::value<int>()->default_value(0),
          "database connections (0: --workers plus --read-threads)", "DB_POOL_SIZE");
  const ServerOptions server_defaults;
  cli.add("header-timeout-ms",
          po::value<long>()->default_value(server_defaults.header_timeout.count()),
          "longest time for a request line and headers (then 408 and close; 100-600000)",
          "API_HEADER_TIMEOUT_MS");
  cli.add("body-timeout-ms", po::value<long>()->default_value(server_defaults.body_timeout.count()),
          "longest time for a whole request, body included (then 408 and close; 100-600000)",
          "API_BODY_TIMEOUT_MS");
  cli.add("keepalive-timeout-ms",
          po::value<long>()->default_value(server_defaults.keepalive_timeout.count()),
          "an idle keep-alive connection is closed after this (100-3600000)",
          "API_KEEPALIVE_TIMEOUT_MS");
  cli.add("max-connections",
          po::value<long>()->default_value(static_cast<long>(server_defaults.max_connections)),
          "client connections served at once; one more gets 503 and is closed (1-100000)",
          "API_MAX_CONNECTIONS");
  cli.add("max-body-bytes", po::value<std::size_t>()->default_value(std::size_t{64} * 1024),
          "largest accepted request body; larger gets 413", "API_MAX_BODY_BYTES");
  cli.add("auth-tokens", po::value<std::string>(),
          "comma-separated bearer tokens (name:token) required on /api/*", "API_TOKENS");
  cli.add("auth-tokens-file", po::value<std::string>(),
          "file with one bearer token (name:token) per line", "API_TOKENS_FILE");
  cli.addSwitch("allow-unauthenticated",
                "serve /api/* without bearer tokens; refused unless --listen is a loopback "
                "address (127.0.0.0/8, ::1, localhost)",
                "API_ALLOW_UNAUTHENTICATED");
  cli.add("cors-origins", po::value<std::string>()->default_value(""),
          "comma-separated origins (https://app.example.com) allowed to call the API from a "
          "browser; empty: none",
          "API_CORS_ORIGINS");
  cli.add("allowed-hosts", po::value<std::string>()->default_value("localhost,127.0.0.1,::1"),
          "comma-separated Host names accepted while authentication is off (a guard against "
          "DNS rebinding); * accepts any",
          "API_ALLOWED_HOSTS");
  cli.add("web-root", po::value<std::string>()->default_value(""),
          "folder of the web UI served at / (empty: no UI)", "API_WEB_ROOT");
  cli.add("crud-topic",
          po::value<std::string>()->default_value(core::domain::kCustomerUpdatesTopic),
          "topic of the CRUD events", "CRUD_TOPIC");
  cli.add("notification-topic",
          po::value<std::string>()->default_value(core::domain::kNotificationTopic),
          "topic of the e-mail notification events", "NOTIFICATION_TOPIC");
  core::config::addLogLevelFlag(cli);
  core::config::addLogFileFlags(cli);
  cli.add("access-log", po::value<std::string>()->default_value("sampled"),
          "a line per answered request: off, sampled (one in --access-log-sample, and every "
          "5xx) or full",
          "API_ACCESS_LOG");
  cli.add("access-log-sample", po::value<long>()->default_value(100),
          "sampled access log: one answer in this many (1 to 1000000)", "API_ACCESS_LOG_SAMPLE");
  cli.add("access-log-file", po::value<std::string>()->default_value(""),
          "the access log in a file of its own, rotated like --log-file (empty: in the log)",
          "API_ACCESS_LOG_FILE");
  if (auto exit = cli.parse(argc, argv)) return *exit;

  ApiConfig config;
  if (auto e = core::config::readDatabaseUrl(cli, core::config::kCustomersDatabaseUrl,
                                             config.database_url)) {
    return *e;
  }

  config.views.notifications_database_url = cli.get<std::string>("notifications-database-url");
  auto sources = parseMetricsSources(cli.get<std::string>("pipeline-metrics"));
  if (!sources) {
    return cli.usageError(
        "--pipeline-metrics must be name=http://host:port/metrics, comma-separated");
  }
  config.views.metrics_sources = std::move(*sources);

  auto listen = parseListenAddress(cli.get<std::string>("listen"));
  if (!listen) return cli.usageError("--listen must be host:port, e.g. 127.0.0.1:8080");
  config.server.host = listen->first;
  config.server.port = listen->second;

  using core::config::readRange;
  if (auto e = readRange(cli, "threads", 1, 256, config.server.threads)) return *e;
  auto& service = config.service;
  if (auto e = readRange(cli, "workers", 1, 1000, service.workers)) return *e;
  if (auto e = readRange(cli, "read-threads", 0, 64, service.read_threads)) return *e;
  if (auto e = readRange(cli, "pool-size", 0, 1000, config.pool_size)) return *e;
  if (config.pool_size == 0) config.pool_size = service.workers + service.read_threads;

  auto& server = config.server;
  if (auto e = readRange(cli, "header-timeout-ms", 100, 600000, server.header_timeout)) return *e;
  const auto after_header =
      core::config::Bound::flag("header-timeout-ms", server.header_timeout.count());
  if (auto e = readRange(cli, "body-timeout-ms", after_header, 600000, server.body_timeout)) {
    return *e;
  }
  if (auto e = readRange(cli, "keepalive-timeout-ms", 100, 3600000, server.keepalive_timeout)) {
    return *e;
  }

  if (auto e = readRange(cli, "max-body-bytes", 1024, 64LL * 1024 * 1024, service.max_body_bytes)) {
    return *e;
  }
  server.limits.max_body_bytes = service.max_body_bytes;
  if (auto e = readRange(cli, "max-connections", 1, 100000, server.max_connections)) return *e;

  if (cli.has("auth-tokens")) {
    if (auto error = addTokens(cli.get<std::string>("auth-tokens"), "--auth-tokens",
                               config.service.tokens)) {
      return cli.usageError(*error);
    }
  }
  if (cli.has("auth-tokens-file")) {
    const auto path = cli.get<std::string>("auth-tokens-file");
    std::ifstream in(path);
    if (!in) return cli.usageError("--auth-tokens-file: cannot read " + path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto error = addTokens(text, "--auth-tokens-file", config.service.tokens)) {
      return cli.usageError(*error);
    }
  }
  // An open API is for a developer's machine: it takes an explicit switch and
  // an address no other machine can reach. Anything else needs tokens.
  if (config.service.tokens.empty()) {
    if (!cli.flag("allow-unauthenticated")) {
      return cli.usageError(
          "no bearer tokens: give --auth-tokens or --auth-tokens-file (API_TOKENS, "
          "API_TOKENS_FILE), or --allow-unauthenticated (API_ALLOW_UNAUTHENTICATED) with a "
          "loopback --listen");
    }
    if (!isLoopbackHost(config.server.host)) {
      return cli.usageError(
          "--allow-unauthenticated needs a loopback --listen (127.0.0.0/8, ::1, "
          "localhost), not '" +
          config.server.host +
          "'; give --auth-tokens or --auth-tokens-file to serve other machines");
    }
  }
  for (const auto& origin : commaList(cli.get<std::string>("cors-origins"))) {
    if (!isOrigin(origin)) {
      return cli.usageError("--cors-origins: '" + origin +
                            "' is not an origin like https://app.example.com (no path, no *)");
    }
    config.service.edge.cors_origins.insert(origin);
  }
  const auto hosts = commaList(cli.get<std::string>("allowed-hosts"));
  if (hosts.empty()) return cli.usageError("--allowed-hosts must name a host, or * for any");
  if (std::find(hosts.begin(), hosts.end(), "*") == hosts.end()) {
    for (const auto& host : hosts)
      config.service.edge.allowed_hosts.insert(EdgePolicy::hostName(host));
  }
  const auto web_root = cli.get<std::string>("web-root");
  if (!web_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(web_root, ec)) {
      return cli.usageError("--web-root: " + web_root + " is not a folder");
    }
    config.service.web_root = std::filesystem::absolute(web_root);
  }
  config.topics.crud = cli.get<std::string>("crud-topic");
  config.topics.notification = cli.get<std::string>("notification-topic");
  if (config.topics.crud.empty() || config.topics.notification.empty()) {
    return cli.usageError("--crud-topic and --notification-topic must not be empty");
  }
  if (auto e = core::config::readLogFile(cli, config.log_file)) return *e;
  const auto access = parseAccessLogMode(cli.get<std::string>("access-log"));
  if (!access) return cli.usageError("--access-log must be off, sampled or full");
  config.access_log = *access;
  if (auto e = readRange(cli, "access-log-sample", 1, 1000000, config.access_log_sample)) {
    return *e;
  }
  config.access_log_file = config.log_file;
  config.access_log_file.path = cli.get<std::string>("access-log-file");
  if (auto e = core::config::readLogLevel(cli, config.log_level)) return *e;
  return config;
}

}  // namespace api
