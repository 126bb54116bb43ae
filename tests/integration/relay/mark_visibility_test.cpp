// OutboxSession::markPublished against a real database: the slot can deliver
// a transaction (and the broker acknowledge its rows) a moment before the
// transaction is visible to other sessions; a mark in that moment used to
// update nothing, silently, and the slot was confirmed past an unmarked row
// (bench/pipeline/steady.sh lost 2 of 60,000 marks per run). The mark waits
// for the rows instead.

#include <doctest/doctest.h>

#include <thread>

#include "integration/relay/relay_fixture.hpp"
#include "outbox/outbox_session.hpp"

using testing::RelayFixture;

TEST_CASE("a mark of a row whose transaction is not visible yet waits until it is") {
  RelayFixture f;
  const auto published_before = f.createCustomer(1);  // rows 1 and 2
  pqxx::connection writer(f.db().url());
  pqxx::work open_tx(writer);
  open_tx.exec(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, payload) VALUES ('" +
      f.topics().crud + "', '" + std::to_string(published_before) + "', 'customer', " +
      std::to_string(published_before) + ", 2, 'customer.updated', '{}')");
  const auto invisible_id = open_tx.exec1("SELECT max(id) FROM outbox")[0].as<std::int64_t>();

  outbox::OutboxSession session(f.relayOptions().database_url);
  REQUIRE(session.connect().ok());
  std::thread committer([&]() {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    open_tx.commit();
  });
  const auto started = std::chrono::steady_clock::now();
  const auto marked = session.markPublished({{1, 0, 10}, {invisible_id, 0, 11}});
  const auto waited = std::chrono::steady_clock::now() - started;
  committer.join();
  REQUIRE_MESSAGE(marked.ok(), (marked.ok() ? std::string() : marked.error().message));
  CHECK(waited >= std::chrono::milliseconds(250));
  CHECK(f.scalar("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND id IN (1, " +
                 std::to_string(invisible_id) + ")") == 2);
  CHECK(f.scalar("SELECT kafka_offset FROM outbox WHERE id = " + std::to_string(invisible_id)) ==
        11);
  // A row published already is done with: no wait.
  const auto again = std::chrono::steady_clock::now();
  REQUIRE(session.markPublished({{1, 0, 10}}).ok());
  CHECK(std::chrono::steady_clock::now() - again < std::chrono::milliseconds(250));
}
