// The optional LISTEN/NOTIFY wake-up: a statement-level trigger's NOTIFY, and
// an idle relay with --listen-notify publishes at once although its idle
// interval is a minute long (without the flag it would wait).

#include <doctest/doctest.h>

#include <csignal>

#include "integration/relay/relay_fixture.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;

namespace {

std::unique_ptr<testing::ChildProcess> idleRelay(const RelayFixture& f, bool listen_notify) {
  auto argv = f.relayCommand({"--poll-interval-ms", "60000", "--idle-interval-ms", "60000",
                              "--log-level", "debug"});  // "state: idle" is a debug line
  argv.push_back(listen_notify ? "--listen-notify" : "--no-listen-notify");
  auto relay = std::make_unique<testing::ChildProcess>(argv);
  // Idle (one empty poll done, now in its minute-long sleep) and, with the flag, listening.
  REQUIRE_MESSAGE(
      testing::waitUntil(
          [&]() {
            const auto out = relay->output();
            return out.find("state: idle") != std::string::npos &&
                   (!listen_notify || out.find("listening for NOTIFY") != std::string::npos);
          },
          std::chrono::seconds(20)),
      relay->output());
  return relay;
}

}  // namespace

TEST_CASE(
    "the outbox insert trigger is statement-level and sends one NOTIFY per inserting transaction") {
  RelayFixture f;
  // tgtype bit 0 is TRIGGER_TYPE_ROW: clear for a FOR EACH STATEMENT trigger.
  CHECK(f.scalar("SELECT tgtype & 1 FROM pg_trigger WHERE tgname = 'outbox_notify_inserted'") == 0);
  pqxx::connection listener(f.db().url());
  int received = 0;
  struct Counter : pqxx::notification_receiver {
    int& count;
    Counter(pqxx::connection_base& c, int& n)
        : pqxx::notification_receiver(c, "outbox_inserted"), count(n) {}
    void operator()(const std::string&, int) override { ++count; }
  } counter(listener, received);

  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, "
      "payload) SELECT 't', g::text, 'customer', g, 1, 'e', '{}' FROM generate_series(1, 100) g");
  CHECK(testing::waitUntil([&]() {
    listener.get_notifs();
    return received >= 1;
  }));
  f.createCustomer(1);  // the API's one statement for two rows
  CHECK(testing::waitUntil([&]() {
    listener.get_notifs();
    return received >= 2;
  }));
  // Nothing else arrives.
  CHECK_FALSE(testing::waitUntil(
      [&]() {
        listener.get_notifs();
        return received > 2;
      },
      std::chrono::milliseconds(500)));
  CHECK(received == 2);
}

TEST_CASE("--listen-notify wakes an idle relay at once despite a minute-long idle interval") {
  RelayFixture f;
  auto relay = idleRelay(f, true);
  const auto started = std::chrono::steady_clock::now();
  f.createCustomer(1);
  CHECK_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(10)),
      relay->output());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  relay->signal(SIGTERM);
  CHECK(relay->waitExit() == 0);
}

TEST_CASE("with --no-listen-notify the same idle relay does not see the row until it polls") {
  RelayFixture f;
  auto relay = idleRelay(f, false);
  f.createCustomer(1);
  CHECK_FALSE(testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(3)));
  relay->signal(SIGTERM);
  CHECK(relay->waitExit() == 0);
}
