// The ceiling for the relay benchmark: produces the outbox rows of a database
// to Kafka with the relay's producer settings and no database in the timed
// loop. All rows are read into memory first; then they are produced as fast
// as librdkafka takes them and the program waits for every delivery report.
//   raw-producer DATABASE_URL BROKERS [key=value librdkafka overrides...]
// Prints: "messages=N seconds=S rate=R/s failed=F".

#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/kafka/producer.hpp"
#include "core/kafka/security.hpp"

namespace {

struct Row {
  std::string topic;
  std::string key;
  std::string payload;
};

std::vector<Row> loadRows(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::nontransaction tx(connection);
  std::vector<Row> rows;
  std::int64_t last_id = 0;
  while (true) {  // keyset pages keep the client's memory to one page at a time
    const auto page = tx.exec_params(
        "SELECT id, topic, kafka_key, payload::text FROM outbox WHERE id > $1 ORDER BY id LIMIT "
        "100000",
        last_id);
    if (page.empty()) return rows;
    for (const auto& row : page) {
      rows.push_back(
          {row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()});
    }
    last_id = page.back()[0].as<std::int64_t>();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: raw-producer DATABASE_URL BROKERS [key=value...]\n");
    return 2;
  }
  const auto rows = loadRows(argv[1]);
  core::kafka::ProducerOptions options;
  options.brokers = argv[2];
  options.client_id = "raw-producer";
  // The relay's settings (src/outbox/relay.cpp) on top of the wrapper's defaults.
  // The identity from KAFKA_SECURITY_PROTOCOL, KAFKA_USER... (outbox-relay's).
  auto identity = core::kafka::securityFromEnvironment();
  if (!identity) {
    std::fprintf(stderr, "raw-producer: %s\n", identity.error().message.c_str());
    return 2;
  }
  options.extra = *identity;
  options.extra.insert(
      options.extra.end(),
      {{"message.timeout.ms", "120000"}, {"linger.ms", "2"}, {"message.max.bytes", "1004096"}});
  for (int i = 3; i < argc; ++i) {
    const std::string property = argv[i];
    const auto eq = property.find('=');
    if (eq != std::string::npos)
      options.extra.emplace_back(property.substr(0, eq), property.substr(eq + 1));
  }
  auto producer = core::kafka::Producer::create(options);
  if (!producer) {
    std::fprintf(stderr, "raw-producer: %s\n", producer.error().message.c_str());
    return 1;
  }

  std::size_t failed = 0;
  const auto count_failures = [&] {
    for (const auto& report : (*producer)->takeDeliveryReports())
      failed += report.persisted ? 0 : 1;
  };
  const auto start = std::chrono::steady_clock::now();
  std::int64_t id = 0;
  for (const auto& row : rows) {
    core::kafka::OutgoingMessage message{row.topic, row.key, row.payload, {}, ++id, -1};
    while (true) {
      const auto queued = (*producer)->produce(message);
      if (queued) break;
      if (queued.error().kind != core::ErrorKind::kUnavailable) {
        std::fprintf(stderr, "raw-producer: %s\n", queued.error().message.c_str());
        return 1;
      }
      (*producer)->poll(1);  // queue full: serve reports, then try again
      count_failures();
    }
    (*producer)->poll(0);
    count_failures();
  }
  if (!(*producer)->flush(120000)) {
    std::fprintf(stderr, "raw-producer: messages still outstanding after 120 s\n");
    return 1;
  }
  (*producer)->poll(0);
  count_failures();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("messages=%zu seconds=%.2f rate=%.0f/s failed=%zu\n", rows.size(), seconds,
              static_cast<double>(rows.size()) / seconds, failed);
  return failed == 0 ? 0 : 1;
}
