#include "api/api_config.hpp"

#include <algorithm>
#include <fstream>

#include "api/edge_policy.hpp"
#include "api/text.hpp"
#include "core/app/main_support.hpp"
#include "core/logging/logging.hpp"

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
  cli.add("database-url", po::value<std::string>(), "PostgreSQL URL of the customers database",
          "DATABASE_URL");
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
  cli.add("max-body-bytes", po::value<std::size_t>()->default_value(64 * 1024),
          "largest accepted request body; larger gets 413", "API_MAX_BODY_BYTES");
  cli.add("auth-tokens", po::value<std::string>(),
          "comma-separated bearer tokens (name:token) required on /api/*", "API_TOKENS");
  cli.add("auth-tokens-file", po::value<std::string>(),
          "file with one bearer token (name:token) per line", "API_TOKENS_FILE");
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
  core::app::addLogLevelFlag(cli);
  core::app::addLogFileFlags(cli);
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
  auto url = core::app::requireFlag(cli, "database-url", "DATABASE_URL");
  if (!url) return cli.usageError(url.error().message);
  config.database_url = *url;

  auto listen = parseListenAddress(cli.get<std::string>("listen"));
  if (!listen) return cli.usageError("--listen must be host:port, e.g. 127.0.0.1:8080");
  config.server.host = listen->first;
  config.server.port = listen->second;

  const int threads = cli.get<int>("threads");
  if (threads < 1 || threads > 256) return cli.usageError("--threads must be from 1 to 256");
  config.server.threads = threads;
  const int workers = cli.get<int>("workers");
  if (workers < 1 || workers > 1000) return cli.usageError("--workers must be from 1 to 1000");
  config.service.workers = static_cast<std::size_t>(workers);
  const int readers = cli.get<int>("read-threads");
  if (readers < 0 || readers > 64) return cli.usageError("--read-threads must be from 0 to 64");
  config.service.read_threads = static_cast<std::size_t>(readers);
  const int pool = cli.get<int>("pool-size");
  if (pool < 0 || pool > 1000) return cli.usageError("--pool-size must be from 0 to 1000");
  config.pool_size = static_cast<std::size_t>(pool == 0 ? workers + readers : pool);

  const long header_ms = cli.get<long>("header-timeout-ms");
  const long body_ms = cli.get<long>("body-timeout-ms");
  const long keepalive_ms = cli.get<long>("keepalive-timeout-ms");
  if (header_ms < 100 || header_ms > 600000) {
    return cli.usageError("--header-timeout-ms must be from 100 to 600000");
  }
  if (body_ms < header_ms || body_ms > 600000) {
    return cli.usageError("--body-timeout-ms must be from --header-timeout-ms to 600000");
  }
  if (keepalive_ms < 100 || keepalive_ms > 3600000) {
    return cli.usageError("--keepalive-timeout-ms must be from 100 to 3600000");
  }
  config.server.header_timeout = std::chrono::milliseconds(header_ms);
  config.server.body_timeout = std::chrono::milliseconds(body_ms);
  config.server.keepalive_timeout = std::chrono::milliseconds(keepalive_ms);

  const auto max_body = cli.get<std::size_t>("max-body-bytes");
  if (max_body < 1024 || max_body > 64 * 1024 * 1024) {
    return cli.usageError("--max-body-bytes must be from 1024 to 67108864");
  }
  config.service.max_body_bytes = max_body;
  config.server.limits.max_body_bytes = max_body;
  const long max_connections = cli.get<long>("max-connections");
  if (max_connections < 1 || max_connections > 100000) {
    return cli.usageError("--max-connections must be from 1 to 100000");
  }
  config.server.max_connections = static_cast<std::size_t>(max_connections);

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
  if (auto e = core::app::readLogFile(cli, config.log_file)) return *e;
  const auto access = parseAccessLogMode(cli.get<std::string>("access-log"));
  if (!access) return cli.usageError("--access-log must be off, sampled or full");
  config.access_log = *access;
  const long sample = cli.get<long>("access-log-sample");
  if (sample < 1 || sample > 1000000) {
    return cli.usageError("--access-log-sample must be from 1 to 1000000");
  }
  config.access_log_sample = static_cast<std::size_t>(sample);
  config.access_log_file = config.log_file;
  config.access_log_file.path = cli.get<std::string>("access-log-file");
  config.log_level = cli.get<std::string>("log-level");
  if (!core::logging::isValidLevel(config.log_level)) {
    return cli.usageError("--log-level: unknown level '" + config.log_level + "'");
  }
  return config;
}

}  // namespace api
