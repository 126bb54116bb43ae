// The hostile side of bench/hostile/soak.sh.
//
//   hostile-client send API_URL BROKERS CRUD_TOPIC MAIL_TOPIC RETRY_TOPIC RATE SECONDS
//     sends RATE hostile things per second for SECONDS, in turn: a malformed
//     HTTP request to the API and a malformed message to one of the topics.
//     Prints "http=N http_4xx=N http_5xx=N http_other=N crud_messages=N
//     mail_messages=N".
//   hostile-client count BROKERS TOPIC
//     reads TOPIC from the start until 5 s pass without a message. Prints
//     "messages=N with_reason=N" (a reason: a dlq.error or notification-error
//     header, or a retryLog line).

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "core/domain/events.hpp"
#include "core/json/codec.hpp"
#include "core/kafka/consumer.hpp"
#include "core/kafka/producer.hpp"
#include "core/kafka/security.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct HttpCase {
  const char* method;
  std::string path;
  std::string body;
  const char* content_type;
};

std::vector<HttpCase> httpCases() {
  const char* json = "Content-Type: application/json";
  return {
      {"POST", "/api/customers", R"({"name":"A","phone":"555\u0000 1234","email":"a@b.co"})", json},
      {"POST", "/api/customers", R"({"name":"A\u0007","phone":"555 1234","email":"a@b.co"})", json},
      {"POST", "/api/customers", R"({"name":"A\udc00","phone":"555 1234","email":"a@b.co"})", json},
      {"POST", "/api/customers",
       "{\"name\":\"\xC0\xAF\",\"phone\":\"555 1234\",\"email\":\"a@b.co\"}", json},
      {"POST", "/api/customers", R"({"name":"A","phone":"555 1234","email":"a@b.co","name":"B"})",
       json},
      {"POST", "/api/customers", std::string(60000, '['), json},
      {"POST", "/api/customers", std::string(70000, ' '), json},  // over the body limit
      {"POST", "/api/customers", R"({"name":"A",)", json},
      {"POST", "/api/customers", R"({"name":"A","phone":"555 1234","email":"a@b.co"})",
       "Content-Type: text/plain"},
      {"PATCH", "/api/customers/1", R"({"email":"a@b.co\u0000"})", json},
      {"PUT", "/api/customers/1", R"({"nickname":"x"})", json},
      {"GET", "/api/customers?q=%00", "", json},
      {"GET", "/api/customers?q=%FF%FE", "", json},
      {"GET", "/api/customers/%FF", "", json},
      {"GET", "/api/customers/abc", "", json},
      {"DELETE", "/api/customers/1%00", "", json},
  };
}

std::vector<std::string> crudCases() {
  auto event = core::domain::CrudEvent{};
  event.id = "soak";
  event.aggregate_id = 1;
  event.version = 1;
  core::domain::Customer c;
  c.id = 1;
  c.version = 1;
  c.name = "x";
  c.phone = "12345";
  c.email = "a@b.co";
  event.after_change = c;
  auto valid = core::json::encodeCrudEvent(event);
  auto duplicate = valid;
  duplicate.insert(1, "\"version\":7,");
  auto future_schema = valid;
  future_schema.replace(future_schema.find("\"schema_version\":1"), 18, "\"schema_version\":9");
  return {std::string(200000, '['), "{\"id\":\"\xC0\xAF\"}",   duplicate,        future_schema,
          valid + "garbage",        R"({"schema_version":1})", "not json at all"};
}

std::vector<std::pair<bool, std::string>> mailCases() {  // (to the retry topic, payload)
  core::domain::NotificationEvent e;
  e.id = "soak-mail";
  e.event_ts = core::domain::Timestamp::now();
  e.subject = "soak";
  e.notify_to = "victim@example.com";
  for (int i = 0; i < 1000; ++i) e.notify_bcc += "bcc" + std::to_string(i) + "@example.com,";
  auto many = core::json::encodeNotificationEvent(e);
  e.notify_bcc.clear();
  e.retries = 1;
  e.not_before = core::domain::parseIso8601("9999-12-31T00:00:00Z");
  auto far = core::json::encodeNotificationEvent(e);
  return {{false, std::string(200000, '[')},
          {false, "{\"id\":\"\xC0\xAF\"}"},
          {false, many},
          {true, far},
          {false, R"({"id":"x","id":"y"})"}};
}

size_t discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

int send(const std::vector<std::string>& args) {
  if (args.size() != 7) return 2;
  const std::string& api = args[0];
  const double rate = std::stod(args[5]);
  const double seconds = std::stod(args[6]);
  // The identity from KAFKA_SECURITY_PROTOCOL, KAFKA_USER... (soak.sh: pipeline-admin).
  auto identity = core::kafka::securityFromEnvironment();
  if (!identity) {
    std::fprintf(stderr, "hostile-client: %s\n", identity.error().message.c_str());
    return 2;
  }
  auto producer = core::kafka::Producer::create({args[1], "hostile-client", true, *identity});
  if (!producer) {
    std::fprintf(stderr, "producer: %s\n", producer.error().message.c_str());
    return 1;
  }
  const auto http_cases = httpCases();
  const auto crud_cases = crudCases();
  const auto mail_cases = mailCases();
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  long http = 0, http_4xx = 0, http_5xx = 0, http_other = 0, crud = 0, mail = 0;
  const auto start = Clock::now();
  const auto period = std::chrono::duration<double>(1.0 / rate);
  for (long i = 0;; ++i) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(period * i);
    if (std::chrono::duration<double>(due - start).count() >= seconds) break;
    std::this_thread::sleep_until(due);
    if (i % 2 == 0) {
      const auto& c = http_cases[static_cast<std::size_t>(i / 2) % http_cases.size()];
      const std::string url = api + c.path;
      curl_slist* headers = curl_slist_append(nullptr, c.content_type);
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c.method);
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
      if (c.body.empty()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c.method);
      } else {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(c.body.size()));
      }
      long status = 0;
      if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      curl_slist_free_all(headers);
      ++http;
      if (status >= 400 && status < 500) {
        ++http_4xx;
      } else if (status >= 500) {
        ++http_5xx;
      } else {
        ++http_other;
      }
      continue;
    }
    const auto k = static_cast<std::size_t>(i / 2);
    core::Status queued;
    if (k % 2 == 0) {
      queued = (*producer)->produce({args[2],
                                     "1",
                                     crud_cases[(k / 2) % crud_cases.size()],
                                     {},
                                     static_cast<std::int64_t>(i),
                                     -1});
      if (queued) ++crud;
    } else {
      const auto& [retry, payload] = mail_cases[(k / 2) % mail_cases.size()];
      queued = (*producer)->produce(
          {retry ? args[4] : args[3], "1", payload, {}, static_cast<std::int64_t>(i), -1});
      if (queued) ++mail;
    }
    (*producer)->poll(0);
  }
  curl_easy_cleanup(curl);
  if (auto flushed = (*producer)->flush(30000); !flushed) {
    std::fprintf(stderr, "flush: %s\n", flushed.error().message.c_str());
    return 1;
  }
  long failed = 0;
  for (const auto& report : (*producer)->takeDeliveryReports()) failed += report.persisted ? 0 : 1;
  std::printf(
      "http=%ld http_4xx=%ld http_5xx=%ld http_other=%ld crud_messages=%ld mail_messages=%ld "
      "undelivered=%ld\n",
      http, http_4xx, http_5xx, http_other, crud, mail, failed);
  return 0;
}

bool hasReason(const core::kafka::ConsumedMessage& m) {
  for (const auto& [key, value] : m.headers) {
    if ((key == "dlq.error" || key == "notification-error") && !value.empty()) return true;
  }
  auto event = core::json::decodeNotificationEvent(m.payload);
  return event.ok() && !event->retry_log.empty();
}

int count(const std::vector<std::string>& args) {
  if (args.size() != 2) return 2;
  core::kafka::ConsumerOptions options;
  options.brokers = args[0];
  options.group_id = "hostile-count-" + core::domain::newUuid();
  options.topics = {args[1]};
  auto identity = core::kafka::securityFromEnvironment();
  if (!identity) {
    std::fprintf(stderr, "hostile-client: %s\n", identity.error().message.c_str());
    return 2;
  }
  options.extra = *identity;
  auto consumer = core::kafka::Consumer::create(options);
  if (!consumer) return 1;
  long messages = 0, with_reason = 0;
  auto last = Clock::now();
  while (Clock::now() - last < std::chrono::seconds(5)) {
    auto m = (*consumer)->poll(200);
    if (!m.ok() || !m->has_value()) continue;
    last = Clock::now();
    ++messages;
    with_reason += hasReason(**m) ? 1 : 0;
  }
  std::printf("messages=%ld with_reason=%ld\n", messages, with_reason);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int code = 2;
  if (!args.empty() && args[0] == "send") code = send({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "count") code = count({args.begin() + 1, args.end()});
  if (code == 2) std::fprintf(stderr, "usage: see bench/hostile/hostile_client.cpp\n");
  curl_global_cleanup();
  return code;
}
