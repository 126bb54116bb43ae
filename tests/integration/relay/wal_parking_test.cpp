// outbox-relay --source wal with rows that cannot go out: a row too large or
// refused for good is parked as in polling mode, its customer's later rows
// wait in the outbox while the stream moves on, and they follow the row, in
// order, once an operator resolves it, also across a restart. A slot the
// relay creates first publishes the rows written before it.

#include <doctest/doctest.h>

#include <csignal>

#include "integration/relay/wal_fixture.hpp"
#include "support/child_process.hpp"

using testing::decodeEvent;
using testing::RelayFixture;
using testing::WalRelay;

namespace {

// (customer, version) of each message, in topic order.
std::vector<std::pair<std::int64_t, int>> events(
    const std::vector<core::kafka::ConsumedMessage>& messages) {
  std::vector<std::pair<std::int64_t, int>> out;
  for (const auto& m : messages) {
    const auto event = decodeEvent(m);
    out.emplace_back(event.customer, event.version);
  }
  return out;
}

// "(1,1) (3,1)": what a failed comparison shows.
std::string describe(const std::vector<std::pair<std::int64_t, int>>& events) {
  std::string out;
  for (const auto& [customer, version] : events) {
    out += "(" + std::to_string(customer) + "," + std::to_string(version) + ") ";
  }
  return out;
}

long long heldCustomers(const RelayFixture& f) {
  return f.scalar("SELECT count(*) FROM outbox_relay_held");
}

}  // namespace

TEST_CASE(
    "wal source: a row too large is parked, its customer's later rows wait while the stream moves "
    "on, and follow it in order once retried, across a restart") {
  RelayFixture f;
  WalRelay wal(f);
  const std::vector<std::string> small_limit = {"--max-message-bytes", "2048"};
  {
    testing::ChildProcess relay(wal.command(100, small_limit));
    REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
    testing::insertEvent(f, 1, 1);
    testing::insertEvent(f, 2, 1, 5000);  // parked
    testing::insertEvent(f, 3, 1);
    testing::insertEvent(f, 2, 2);  // waits
    testing::insertEvent(f, 3, 2);
    const auto written = f.scalar("SELECT count(*) FROM outbox");
    REQUIRE(written == 5);
    REQUIRE_MESSAGE(testing::waitUntil([&]() {
                      return f.scalar("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL") ==
                                 1 &&
                             f.unpublished() == 2;
                    }),
                    relay.output());
    CHECK(heldCustomers(f) == 1);
    CHECK(events(testing::readTopic(f.topics().crud, 3, std::chrono::seconds(30))) ==
          std::vector<std::pair<std::int64_t, int>>{{1, 1}, {3, 1}, {3, 2}});
    // The stream went on past the waiting row: a later write of another customer flows.
    testing::insertEvent(f, 4, 1);
    CHECK_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 2; }), relay.output());
    CHECK(relay.stop(SIGTERM) == 0);
  }
  // While no relay runs: the operator retries the parked row (the relay
  // comes back with the default limit), and customer 2 changes again.
  const auto retried = f.relayCommand("parked retry", "--id 2");
  REQUIRE_MESSAGE(retried.exit_code == 0, retried.output);
  testing::insertEvent(f, 2, 3);

  testing::ChildProcess relay(wal.command());
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0 && heldCustomers(f) == 0; }),
      relay.output());
  testing::insertEvent(f, 2, 4);  // from the stream again
  const auto messages = events(testing::readTopic(f.topics().crud, 8, std::chrono::seconds(30)));
  REQUIRE(messages.size() == 8);
  const std::vector<std::pair<std::int64_t, int>> tail(messages.begin() + 4, messages.end());
  CHECK(tail == std::vector<std::pair<std::int64_t, int>>{{2, 1}, {2, 2}, {2, 3}, {2, 4}});
  CHECK(relay.stop(SIGTERM) == 0);
}

TEST_CASE(
    "wal source: a row the broker refuses is retried, then parked, and holds its customer's later "
    "rows until an operator skips it") {
  RelayFixture f;
  const auto small_topic = testing::uniqueName("it-small");
  REQUIRE(core::kafka::createTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                    {{small_topic, 1, 1, {{"max.message.bytes", "1000"}}}})
              .ok());
  core::kafka::PipelineNames names;
  names.crud_topic = small_topic;
  names.notification_topic = f.topics().notification;
  testing::grantPipelineAcls(names);
  WalRelay wal(f);
  testing::ChildProcess relay(wal.command(100, {"--max-attempts", "2"}));
  REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
  testing::insertEvent(f, 1, 1);
  testing::insertEvent(f, 2, 1, 4000, small_topic);  // refused by the topic's broker-side limit
  // Written once the refusal is known: rows sent with the refused one, before
  // its report came back, reach the topic ahead of it (as in polling mode).
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.scalar("SELECT max(attempts) FROM outbox") >= 1; }),
      relay.output());
  testing::insertEvent(f, 2, 2);
  testing::insertEvent(f, 3, 1);
  REQUIRE_MESSAGE(testing::waitUntil([&]() {
                    return f.scalar(
                               "SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL AND "
                               "attempts = 2") == 1 &&
                           f.unpublished() == 2;
                  }),
                  relay.output());
  const auto published = events(testing::readTopic(f.topics().crud, 2, std::chrono::seconds(30)));
  const std::vector<std::pair<std::int64_t, int>> expected{{1, 1}, {3, 1}};
  CHECK_MESSAGE(published == expected, "published: " << describe(published) << "\n"
                                                     << relay.output());

  // Skipped by the operator while the relay runs: the waiting row follows.
  const auto skipped = f.relayCommand("parked skip", "--id 2 --reason test --by tester");
  REQUIRE_MESSAGE(skipped.exit_code == 0, skipped.output);
  REQUIRE_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 1 && heldCustomers(f) == 0; },
                         std::chrono::seconds(30)),
      relay.output());  // only the skipped row stays unpublished
  CHECK(events(testing::readTopic(f.topics().crud, 3, std::chrono::seconds(30))).back() ==
        std::pair<std::int64_t, int>{2, 2});
  CHECK(testing::readTopic(small_topic, 1, std::chrono::seconds(2)).empty());
  CHECK(relay.stop(SIGTERM) == 0);
  (void)core::kafka::deleteTopics(testing::kafkaBrokers(), testing::kafkaAdminProperties(),
                                  {small_topic});
}

TEST_CASE(
    "wal source: a relay that creates its slot first publishes the rows written before it, each "
    "once, then streams") {
  constexpr int kCustomers = 20;
  RelayFixture f;
  testing::insertInTransactions(f, kCustomers, 5, 10);  // 100 rows, no slot yet
  WalRelay wal(f);
  testing::ChildProcess relay(wal.command(30));
  // Not until the drain is over: the next rows may land during it.
  REQUIRE_MESSAGE(wal.waitStreaming(relay, false), relay.output());
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, payload) SELECT '" +
      f.topics().crud +
      "', x::text, 'customer', x, 6, 'customer.updated', jsonb_build_object('aggregate_id', x, "
      "'version', 6) FROM generate_series(1, " +
      std::to_string(kCustomers) + ") x");
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), relay.output());
  const auto messages = testing::readTopic(f.topics().crud, 120, std::chrono::seconds(30));
  CHECK(messages.size() == 120);
  testing::checkOrderPerCustomer(messages, kCustomers, 6);
  CHECK(f.scalar("SELECT count(*) FROM outbox_relay_slot_drains") == 0);
  CHECK(relay.output().find("publishing the rows written before it first") != std::string::npos);
  CHECK(relay.stop(SIGTERM) == 0);
}
