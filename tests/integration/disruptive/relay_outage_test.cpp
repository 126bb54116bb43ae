// The relay across outages of the services it depends on. These tests stop
// and start Kafka and PostgreSQL of the test stack (setup/service.sh), so
// ctest runs them alone (RUN_SERIAL).

#include <doctest/doctest.h>

#include <set>

#include "integration/disruptive/test_services.hpp"
#include "integration/relay/relay_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace {

using testing::RestartOnExit;

std::unique_ptr<testing::ChildProcess> startRelay(const testing::RelayFixture& f,
                                                  std::uint16_t port) {
  const auto options = f.relayOptions();
  return std::make_unique<testing::ChildProcess>(testing::withKafkaIdentity(
      {testing::binaryPath("src/outbox/outbox-relay"), "--database-url", options.database_url,
       "--brokers", options.brokers, "--lock-key", std::to_string(options.lock_key),
       "--metrics-address", "127.0.0.1:" + std::to_string(port), "--delivery-timeout-ms", "180000"},
      "outbox-relay"));
}

// Every CRUD row of the outbox reached the topic at least once, and each
// customer's versions arrive in increasing order once duplicates are dropped.
void checkEverythingPublishedInOrder(testing::RelayFixture& f) {
  const auto rows = f.scalar("SELECT count(*) FROM outbox WHERE topic = '" + f.topics().crud + "'");
  const auto messages = testing::readTopic(f.topics().crud, static_cast<std::size_t>(rows));
  std::set<std::int64_t> outbox_ids;
  for (const auto& [customer, versions] : testing::RelayFixture::versionsByCustomer(messages)) {
    int last = 0;
    for (int version : versions) {
      CHECK_MESSAGE(version >= last,
                    "customer " << customer << " version " << version << " after " << last);
      last = version;
    }
  }
  for (const auto& m : messages)
    outbox_ids.insert(core::json::decodeCrudEvent(m.payload)->outbox_id);
  CHECK(static_cast<long long>(outbox_ids.size()) == rows);
}

}  // namespace

TEST_CASE("relay: rows written while Kafka is down are all published, in order, after it returns") {
  testing::RelayFixture f;
  for (int i = 0; i < 50; ++i) f.createCustomer(i);
  const auto port = testing::freePort();
  auto relay = startRelay(f, port);
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), relay->output());

  RestartOnExit restart{"kafka"};
  testing::testService("stop", "kafka");
  // The API keeps accepting writes: the outbox holds them.
  for (int i = 50; i < 150; ++i)
    f.renameCustomer(f.createCustomer(i), "Renamed " + std::to_string(i));
  CHECK(f.unpublished() == 200 * 2);
  CHECK(relay->running());

  testing::testService("start", "kafka");
  CHECK_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(180)),
      relay->output());
  CHECK(relay->running());
  checkEverythingPublishedInOrder(f);
}

TEST_CASE(
    "relay: a PostgreSQL outage makes it not ready, and it resumes publishing when the database "
    "returns") {
  testing::RelayFixture f;
  for (int i = 0; i < 20; ++i) f.createCustomer(i);
  const auto port = testing::freePort();
  auto relay = startRelay(f, port);
  testing::HttpClient status("http://127.0.0.1:" + std::to_string(port));
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), relay->output());
  CHECK(status.get("/readyz").status == 200);

  {
    RestartOnExit restart{"postgres"};
    testing::testService("stop", "postgres");
    CHECK_MESSAGE(testing::waitUntil([&]() { return status.get("/readyz").status == 503; }),
                  relay->output());
    CHECK(relay->running());
    testing::testService("start", "postgres");
  }
  for (int i = 20; i < 60; ++i) f.createCustomer(i);
  CHECK_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(60)),
      relay->output());
  CHECK(status.get("/readyz").status == 200);
  checkEverythingPublishedInOrder(f);
}
