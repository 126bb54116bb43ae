// Retention, one-shot and in the daemon: only published rows older than the
// age go; unpublished, parked and skipped rows stay whatever their age.

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>

#include "integration/relay/relay_fixture.hpp"
#include "outbox/retention_task.hpp"
#include "support/child_process.hpp"

using testing::RelayFixture;

namespace {

// Rows 1..10 published (1..6 ten days ago, 7..10 just now); then an old
// unpublished row 11, an old parked row 12 and an old skipped row 13.
void agedOutbox(RelayFixture& f) {
  for (int i = 0; i < 5; ++i) f.createCustomer(i);
  f.publishAll();
  f.execute(
      "UPDATE outbox SET created_at = now() - interval '11 days', published_at = now() - interval "
      "'10 days' "
      "WHERE id <= 6");
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, "
      "payload, created_at, parked_at, skipped_at, skipped_by, skip_reason) VALUES "
      "('t', '90', 'customer', 90, 1, 'e', '{}', now() - interval '30 days', NULL, NULL, NULL, "
      "NULL), "
      "('t', '91', 'customer', 91, 1, 'e', '{}', now() - interval '30 days', now() - interval '29 "
      "days', NULL, "
      "NULL, NULL), "
      "('t', '92', 'customer', 92, 1, 'e', '{}', now() - interval '30 days', now() - interval '29 "
      "days', "
      "now() - interval '28 days', 'ops', 'bad')");
  REQUIRE(f.scalar("SELECT max(id) FROM outbox") == 13);
}

std::string remainingIds(const RelayFixture& f) {
  pqxx::connection c(f.db().url());
  pqxx::nontransaction tx(c);
  return tx.exec1("SELECT string_agg(id::text, ',' ORDER BY id) FROM outbox")[0].c_str();
}

}  // namespace

TEST_CASE(
    "retention deletes only published rows older than the age, in batches, never unpublished or "
    "parked ones") {
  RelayFixture f;
  agedOutbox(f);

  const auto dry = f.relayCommand("retention", "--older-than 7d --dry-run");
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.output);
  CHECK(dry.output.find("Would delete 6 published rows older than 7d") != std::string::npos);
  CHECK(f.scalar("SELECT count(*) FROM outbox") == 13);

  const auto run = f.relayCommand("retention", "--older-than 7d --retention-batch 4");
  REQUIRE_MESSAGE(run.exit_code == 0, run.output);
  CHECK(run.output.find("Deleted 6 published rows older than 7d") != std::string::npos);
  CHECK(remainingIds(f) == "7,8,9,10,11,12,13");

  // Everything published is younger than a day now: nothing more goes.
  const auto again = f.relayCommand("retention", "--older-than 1d");
  CHECK(again.exit_code == 0);
  CHECK(again.output.find("Deleted 0 published rows") != std::string::npos);
  CHECK(remainingIds(f) == "7,8,9,10,11,12,13");
}

TEST_CASE("retention names the flag of a bad age and exits 2") {
  RelayFixture f;
  const auto bad = f.relayCommand("retention", "--older-than 7weeks");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--older-than: '7weeks'") != std::string::npos);
}

TEST_CASE("the daemon with --retention deletes old published rows on the leader while it runs") {
  RelayFixture f;
  agedOutbox(f);
  const auto options = f.relayOptions();
  testing::ChildProcess relay(testing::withKafkaIdentity(
      {testing::binaryPath("src/outbox/outbox-relay"), "--database-url", options.database_url,
       "--brokers", options.brokers, "--lock-key", std::to_string(options.lock_key),
       "--metrics-address", "", "--retention", "7d", "--retention-interval", "1s",
       "--retention-batch", "2"},
      "outbox-relay"));
  CHECK_MESSAGE(testing::waitUntil(
                    [&]() { return f.scalar("SELECT count(*) FROM outbox WHERE id <= 6") == 0; },
                    std::chrono::seconds(20)),
                relay.output());
  CHECK(remainingIds(f) == "7,8,9,10,11,12,13");
  relay.signal(SIGTERM);
  CHECK(relay.waitExit() == 0);
}

TEST_CASE(
    "the daemon's retention task deletes nothing while its relay is a standby, and starts when it "
    "leads") {
  RelayFixture f;
  agedOutbox(f);
  std::atomic<bool> leader{false};
  core::metrics::Registry metrics;
  outbox::RetentionTask task(
      {f.db().urlAs(testing::Role::kRelay), std::chrono::hours(24 * 7), 2},
      std::chrono::milliseconds(100), [&leader]() { return leader.load(); }, metrics);
  task.start();
  CHECK_FALSE(testing::waitUntil([&]() { return f.scalar("SELECT count(*) FROM outbox") < 13; },
                                 std::chrono::seconds(1)));
  leader = true;
  CHECK(testing::waitUntil(
      [&]() { return f.scalar("SELECT count(*) FROM outbox WHERE id <= 6") == 0; }));
  task.stop();
  CHECK(remainingIds(f) == "7,8,9,10,11,12,13");
}
