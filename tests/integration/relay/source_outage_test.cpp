// outbox-relay with each source while its brokers cannot be reached: the
// relay reaches Kafka only through a forwarder (the Kafka the other tests
// share keeps running), which the test cuts while rows are written; the
// sends time out, and once the forwarder carries connections again every
// row arrives, in order, and none is parked.

#include <doctest/doctest.h>

#include <csignal>
#include <set>

#include "integration/relay/relay_source.hpp"
#include "support/kafka_forwarder.hpp"

using testing::RelayFixture;
using testing::SourceRelay;

TEST_CASE(
    "both sources: rows written while the relay cannot reach Kafka all arrive, in order, once it "
    "can") {
  const auto source = testing::eachSource();
  RelayFixture f;
  SourceRelay relay_of(f, source);
  relay_of.prepare();
  testing::KafkaForwarder kafka(testing::kafkaBrokers());
  testing::ChildProcess relay(testing::withFlag(
      relay_of.command(100, {"--delivery-timeout-ms", "2000"}), "--brokers", kafka.address()));
  REQUIRE_MESSAGE(relay_of.waitLeading(relay), relay.output());
  constexpr int kBefore = 5;
  for (int i = 0; i < kBefore; ++i) f.createCustomer(i);
  REQUIRE_MESSAGE(testing::waitUntil([&]() { return f.unpublished() == 0; }), relay.output());

  kafka.cut();
  constexpr int kCustomers = 20;
  for (int i = kBefore; i < kCustomers; ++i) f.renameCustomer(f.createCustomer(i), "renamed");
  const long long written = (kCustomers - kBefore) * 4;  // two CRUD rows and two e-mails each
  // The relay sends, the delivery timeout passes, it tries again: nothing is marked.
  REQUIRE_MESSAGE(testing::waitUntil(
                      [&]() { return relay.output().find("not published") != std::string::npos; }),
                  relay.output());
  CHECK(f.unpublished() == written);
  CHECK(relay.running());

  const auto carried = kafka.carried();
  kafka.restore();
  CHECK_MESSAGE(
      testing::waitUntil([&]() { return f.unpublished() == 0; }, std::chrono::seconds(90)),
      relay.output());
  CHECK(kafka.carried() > carried);  // it reconnected through the forwarder
  CHECK(f.scalar("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL") == 0);

  // Every CRUD row exactly once (the sends that timed out never reached a
  // broker), and each customer's versions in order.
  const std::size_t crud_rows = kBefore + (kCustomers - kBefore) * 2;
  const auto messages = testing::readTopic(f.topics().crud, crud_rows);
  std::set<std::int64_t> outbox_ids;
  for (const auto& m : messages) {
    outbox_ids.insert(core::json::decodeCrudEvent(m.payload)->outbox_id);
  }
  CHECK(outbox_ids.size() == crud_rows);
  CHECK(messages.size() == crud_rows);
  for (const auto& [customer, versions] : RelayFixture::versionsByCustomer(messages)) {
    CAPTURE(customer);
    CHECK(versions == (customer > kBefore ? std::vector<int>{1, 2} : std::vector<int>{1}));
  }
  CHECK(relay.stop(SIGTERM) == 0);
}
