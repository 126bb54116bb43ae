#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "workers/notification/notification_config.hpp"

using namespace notification;

namespace {

// Unsets the variables the worker falls back to, for one test's life.
struct CleanEnvironment {
  std::vector<std::pair<std::string, std::string>> saved;
  CleanEnvironment() {
    for (const char* name :
         {"NOTIFICATION_DATABASE_URL", "KAFKA_BROKERS", "SMTP_URL", "SMTP_USER", "SMTP_PASSWORD",
          "SMTP_PASSWORD_FILE", "SMTP_FROM", "SMTP_STARTTLS", "NOTIFICATION_MAX_ATTEMPTS",
          "NOTIFICATION_RETRY_BASE_MS", "NOTIFICATION_RETRY_MAX_MS", "LOG_LEVEL",
          "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_USER", "KAFKA_PASSWORD_FILE",
          "KAFKA_PASSWORD", "KAFKA_CA_FILE"}) {
      if (const char* value = std::getenv(name)) saved.emplace_back(name, value);
      unsetenv(name);
    }
  }
  ~CleanEnvironment() {
    for (const auto& [name, value] : saved) setenv(name.c_str(), value.c_str(), 1);
  }
};

std::vector<std::string> base() {
  return {"--database-url", "postgresql://h/notifications", "--brokers", "k:9092", "--smtp-url",
          "smtp://mail:25"};
}

std::vector<std::string> with(std::vector<std::string> extra) {
  auto args = base();
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

int exitOf(const std::vector<std::string>& args) {
  auto parsed = parseWorkerConfig(args);
  return std::holds_alternative<int>(parsed) ? std::get<int>(parsed) : -1;
}

}  // namespace

TEST_CASE("worker defaults: topics, three attempts, backoff, metrics port 9466, STARTTLS try") {
  CleanEnvironment env;
  auto parsed = parseWorkerConfig(base());
  REQUIRE(std::holds_alternative<WorkerConfig>(parsed));
  const auto& c = std::get<WorkerConfig>(parsed);
  CHECK(c.notifier.topic == "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION");
  CHECK(c.notifier.retry_topic == "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION-RETRY");
  CHECK(c.notifier.failed_topic == "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION-FAILED");
  CHECK(c.notifier.retry.max_attempts == 3);
  CHECK(c.notifier.retry.base < c.notifier.retry.max);
  CHECK(c.metrics_address == "127.0.0.1:9466");
  CHECK(c.smtp.tls == TlsMode::kTry);
  CHECK(c.smtp.verify_tls);
  CHECK(c.smtp.user.empty());
  CHECK(c.notifier.sender.address == "notifications@localhost");
}

TEST_CASE("SMTP settings come from flags or their environment variables") {
  CleanEnvironment env;
  setenv("SMTP_USER", "mailer", 1);
  setenv("SMTP_FROM", "Shop <shop@example.com>", 1);
  setenv("NOTIFICATION_MAX_ATTEMPTS", "5", 1);
  auto parsed = parseWorkerConfig(
      with({"--smtp-password", "s3cret", "--smtp-starttls", "required", "--smtp-insecure",
            "--retry-base-ms", "100", "--retry-max-ms", "1000", "--smtp-port", "587"}));
  REQUIRE(std::holds_alternative<WorkerConfig>(parsed));
  const auto& c = std::get<WorkerConfig>(parsed);
  CHECK(c.smtp.user == "mailer");
  CHECK(c.smtp.password == "s3cret");
  CHECK(c.smtp.tls == TlsMode::kRequired);
  CHECK_FALSE(c.smtp.verify_tls);
  CHECK(c.smtp.port == 587);
  CHECK(c.notifier.sender.header == "Shop <shop@example.com>");
  CHECK(c.notifier.sender.address == "shop@example.com");
  CHECK(c.notifier.retry.max_attempts == 5);
  CHECK(c.notifier.retry.base == std::chrono::milliseconds(100));
  CHECK(c.notifier.retry.max == std::chrono::milliseconds(1000));
}

TEST_CASE("the SMTP password can come from a file, without its trailing newline") {
  CleanEnvironment env;
  const std::string path = "/tmp/notification_config_test_password";
  std::ofstream(path) << "from-file\n";
  auto parsed = parseWorkerConfig(with({"--smtp-user", "u", "--smtp-password-file", path}));
  std::remove(path.c_str());
  REQUIRE(std::holds_alternative<WorkerConfig>(parsed));
  CHECK(std::get<WorkerConfig>(parsed).smtp.password == "from-file");
}

TEST_CASE("bad worker configuration is a usage error (exit 2)") {
  CleanEnvironment env;
  CHECK(exitOf({"--brokers", "k", "--smtp-url", "smtp://m"}) == 2);              // no database
  CHECK(exitOf({"--database-url", "postgresql://h/n", "--brokers", "k"}) == 2);  // no SMTP URL
  CHECK(exitOf(with({"--max-attempts", "0"})) == 2);
  CHECK(exitOf(with({"--max-attempts", "101"})) == 2);
  CHECK(exitOf(with({"--retry-base-ms", "1000", "--retry-max-ms", "999"})) == 2);
  CHECK(exitOf(with({"--retry-base-ms", "0"})) == 2);
  CHECK(exitOf(with({"--smtp-starttls", "maybe"})) == 2);
  CHECK(exitOf(with({"--smtp-port", "70000"})) == 2);
  CHECK(exitOf(with({"--smtp-password", "p"})) == 2);  // a password without a user
  CHECK(exitOf(with({"--smtp-user", "u", "--smtp-password", "p", "--smtp-password-file",
                     "/etc/hostname"})) == 2);
  CHECK(exitOf(with({"--smtp-user", "u", "--smtp-password-file", "/nonexistent/file"})) == 2);
  CHECK(exitOf(with({"--smtp-from", "nobody"})) == 2);
  CHECK(exitOf(with({"--smtp-connect-timeout-ms", "20000", "--smtp-timeout-ms", "10000"})) == 2);
  CHECK(exitOf(with({"--retry-topic", "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION"})) == 2);
  CHECK(exitOf(with({"--failed-topic", "MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION"})) == 2);
  CHECK(exitOf(with({"-X", "nokey"})) == 2);
  CHECK(exitOf(with({"--log-level", "chatty"})) == 2);
  CHECK(exitOf({"--database-url", "d", "--brokers", "k", "--smtp-url", "http://m"}) == 2);
  CHECK(exitOf({"--database-url", "d", "--brokers", "k", "--smtp-url", "smtp://"}) == 2);
  CHECK(exitOf(with({"--help"})) == 0);
}

TEST_CASE("redrive: event ids, a time range and the topics are read and checked") {
  CleanEnvironment env;
  const std::vector<std::string> common = {"--database-url", "d", "--brokers", "k"};
  auto args = common;
  for (const char* extra :
       {"--event-id", "e1", "--event-id", "e2", "--since", "2026-11-28T00:00:00Z", "--until",
        "2026-11-29T00:00:00Z", "--failed-topic", "F", "--topic", "T", "--dry-run"}) {
    args.push_back(extra);
  }
  auto parsed = parseRedriveConfig(args);
  REQUIRE(std::holds_alternative<RedriveConfig>(parsed));
  const auto& r = std::get<RedriveConfig>(parsed).redrive;
  CHECK(r.event_ids == std::set<std::string>{"e1", "e2"});
  CHECK(r.since.has_value());
  CHECK(r.until.has_value());
  CHECK(r.failed_topic == "F");
  CHECK(r.target_topic == "T");
  CHECK(r.dry_run);

  const auto exitOfRedrive = [&](std::vector<std::string> extra) {
    auto words = common;
    words.insert(words.end(), extra.begin(), extra.end());
    auto result = parseRedriveConfig(words);
    return std::holds_alternative<int>(result) ? std::get<int>(result) : -1;
  };
  CHECK(exitOfRedrive({"--since", "yesterday"}) == 2);
  CHECK(exitOfRedrive({"--since", "2026-11-29T00:00:00Z", "--until", "2026-11-28T00:00:00Z"}) == 2);
  CHECK(exitOfRedrive({"--event-id", ""}) == 2);
  CHECK(exitOfRedrive({"--topic", "X", "--failed-topic", "X"}) == 2);
  CHECK(exitOfRedrive({}) == -1);
}

TEST_CASE("credentials in an SMTP URL are redacted before logging") {
  CHECK(redactUrl("smtp://user:pw@mail.example.com:587") == "smtp://***@mail.example.com:587");
  CHECK(redactUrl("smtps://mail.example.com") == "smtps://mail.example.com");
  CHECK(redactUrl("smtp://mail.example.com/path@x") == "smtp://mail.example.com/path@x");
}
