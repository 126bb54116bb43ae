// Load for the notification-worker benchmark: produces COUNT notification
// events, like the ones customer-api writes (one recipient, text and HTML,
// ~1 KB), to TOPIC, keyed by a customer id, as fast as librdkafka takes them.
//   mail-flood BROKERS TOPIC COUNT
// Prints: "events=N seconds=S".

#include <chrono>
#include <cstdio>
#include <string>

#include "core/domain/events.hpp"
#include "core/json/codec.hpp"
#include "core/kafka/producer.hpp"
#include "core/kafka/security.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: mail-flood BROKERS TOPIC COUNT\n");
    return 2;
  }
  const std::string topic = argv[2];
  const long count = std::stol(argv[3]);
  core::kafka::ProducerOptions options;
  options.brokers = argv[1];
  options.client_id = "mail-flood";
  // The identity from KAFKA_SECURITY_PROTOCOL, KAFKA_USER... (outbox-relay's).
  auto identity = core::kafka::securityFromEnvironment();
  if (!identity) {
    std::fprintf(stderr, "mail-flood: %s\n", identity.error().message.c_str());
    return 2;
  }
  options.extra = *identity;
  options.extra.emplace_back("linger.ms", "5");
  auto producer = core::kafka::Producer::create(options);
  if (!producer) {
    std::fprintf(stderr, "mail-flood: %s\n", producer.error().message.c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (long i = 1; i <= count; ++i) {
    core::domain::NotificationEvent event;
    event.id = core::domain::newUuid();
    event.event_ts = core::domain::Timestamp::now();
    event.source_event_id = core::domain::newUuid();
    event.subject = "Welcome, customer " + std::to_string(i);
    event.text_msg = "Dear customer " + std::to_string(i) + ",\n\n" + std::string(400, 'x') +
                     "\n\nYour customer service";
    event.html_msg =
        "<p>Dear customer " + std::to_string(i) + ",</p><p>" + std::string(400, 'x') + "</p>";
    event.notify_to = "customer" + std::to_string(i) + "@example.com";
    const std::string key = std::to_string(i % 100000);
    core::kafka::OutgoingMessage message{topic, key, core::json::encodeNotificationEvent(event),
                                         {},    i,   -1};
    while (true) {
      const auto queued = (*producer)->produce(message);
      if (queued) break;
      if (queued.error().kind != core::ErrorKind::kUnavailable) {
        std::fprintf(stderr, "mail-flood: %s\n", queued.error().message.c_str());
        return 1;
      }
      (*producer)->poll(1);
    }
    (*producer)->poll(0);
  }
  if (!(*producer)->flush(120000)) {
    std::fprintf(stderr, "mail-flood: events still outstanding after 120 s\n");
    return 1;
  }
  std::size_t failed = 0;
  for (const auto& report : (*producer)->takeDeliveryReports()) failed += report.persisted ? 0 : 1;
  std::printf("events=%ld seconds=%.2f failed=%zu\n", count,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              failed);
  return failed == 0 ? 0 : 1;
}
