// The optional LISTEN/NOTIFY wake-up: a statement-level trigger's NOTIFY, and
// an idle relay with --listen-notify publishes at once although its idle
// interval is a minute long (without the flag it would wait). The trigger
// notifies only while the leader asks for it (0009): not while rows keep
// coming, and never for a relay that does not listen.

#include <doctest/doctest.h>

#include <csignal>

#include "integration/relay/relay_fixture.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;

namespace {

// Counts NOTIFYs on the trigger's channel.
struct NotifyCounter : pqxx::notification_receiver {
  int count = 0;
  explicit NotifyCounter(pqxx::connection_base& c)
      : pqxx::notification_receiver(c, "outbox_inserted") {}
  void operator()(const std::string&, int) override { ++count; }
};

// -1 while the relay has stored no wish yet, else 0/1.
long long wakeupsWanted(const RelayFixture& f) {
  return f.scalar("SELECT coalesce((SELECT wanted::int FROM outbox_relay_wakeup), -1)");
}

void insertOutboxRow(const RelayFixture& f) {
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, payload) VALUES ('t', '1', 'customer', 1, 1, 'e', '{}')");
}

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
  NotifyCounter counter(listener);
  const int& received = counter.count;

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

TEST_CASE("the trigger sends no NOTIFY while the stored wish says no wake-ups") {
  RelayFixture f;
  pqxx::connection listener(f.db().url());
  NotifyCounter counter(listener);
  const auto notified = [&](int count, std::chrono::milliseconds within) {
    return testing::waitUntil(
        [&]() {
          listener.get_notifs();
          return counter.count >= count;
        },
        within);
  };
  f.execute("DELETE FROM outbox_relay_wakeup");
  insertOutboxRow(f);
  CHECK(notified(1, std::chrono::seconds(5)));  // no wish stored: notify (the default)
  f.execute("INSERT INTO outbox_relay_wakeup (wanted) VALUES (false)");
  insertOutboxRow(f);
  CHECK_FALSE(notified(2, std::chrono::milliseconds(500)));
  f.execute("UPDATE outbox_relay_wakeup SET wanted = true");
  insertOutboxRow(f);
  CHECK(notified(2, std::chrono::seconds(5)));
}

TEST_CASE("a relay switches wake-ups off while rows keep coming and on again when idle") {
  RelayFixture f;
  testing::ChildProcess relay(f.relayCommand(std::vector<std::string>{}));
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return wakeupsWanted(f) == 1; }), relay.output());
  // Customers created back to back: the 5 ms polls find rows every time.
  bool switched_off = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int n = 1; !switched_off && std::chrono::steady_clock::now() < until; ++n) {
    f.createCustomer(n);
    switched_off = wakeupsWanted(f) == 0;
  }
  CHECK_MESSAGE(switched_off, relay.output());
  CHECK_MESSAGE(testing::waitUntil([&]() { return wakeupsWanted(f) == 1; }), relay.output());
  CHECK(testing::waitUntil([&]() { return f.unpublished() == 0; }));
}

TEST_CASE("with --no-listen-notify the same idle relay does not see the row until it polls") {
  RelayFixture f;
  auto relay = idleRelay(f, false);
  // Nobody listens, so the relay asks the trigger not to pay for a NOTIFY.
  CHECK(wakeupsWanted(f) == 0);
  f.createCustomer(1);
  CHECK_FALSE(testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(3)));
  relay->signal(SIGTERM);
  CHECK(relay->waitExit() == 0);
}
