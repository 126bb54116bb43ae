// outbox-relay --source wal as an operator meets it: /readyz fails while the
// slot cannot be streamed; the slot's retained WAL is a gauge and a
// readiness limit. Parking: wal_parking_test.cpp. A standby's takeover from
// a kill -9 is in source_order_test.cpp, for both sources.

#include <doctest/doctest.h>

#include <csignal>

#include "integration/relay/wal_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

using testing::RelayFixture;
using testing::WalRelay;

namespace {

// /readyz's status and body, or status 0 while the server is not up yet.
testing::HttpResult readiness(testing::HttpClient& status) {
  try {
    return status.get("/readyz");
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

TEST_CASE("wal source: /readyz fails while the slot cannot be streamed, and names why") {
  RelayFixture f;
  WalRelay wal(f);
  const auto port = testing::freePort();
  // A publication that does not exist: the server refuses the first change.
  testing::ChildProcess relay(
      wal.commandWithStatus(port, {"--publication", "no_such_publication"}));
  testing::HttpClient status("http://127.0.0.1:" + std::to_string(port));
  REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
  testing::insertEvent(f, 1, 1);
  CHECK_MESSAGE(testing::waitUntil([&]() {
                  const auto ready = readiness(status);
                  return ready.status == 503 &&
                         ready.body.find("no_such_publication") != std::string::npos;
                }),
                relay.output());
  CHECK(f.unpublished() == 1);
  CHECK(relay.stop(SIGTERM) == 0);
}

TEST_CASE("wal source: the slot's retained WAL is a gauge, and /readyz holds it to its limit") {
  RelayFixture f;
  WalRelay wal(f);
  const auto port = testing::freePort();
  testing::ChildProcess relay(wal.commandWithStatus(port));
  testing::HttpClient status("http://127.0.0.1:" + std::to_string(port));
  REQUIRE_MESSAGE(wal.waitStreaming(relay), relay.output());
  testing::insertEvent(f, 1, 1);
  CHECK(testing::waitUntil([&]() { return f.unpublished() == 0; }));
  // The gauge is refreshed every 5 s; any WAL after the slot's restart position counts.
  CHECK_MESSAGE(testing::waitUntil(
                    [&]() {
                      const auto body = status.get("/metrics").body;
                      return body.find("outbox_slot_retained_wal_bytes ") != std::string::npos &&
                             body.find("outbox_slot_retained_wal_bytes 0\n") == std::string::npos;
                    },
                    std::chrono::seconds(30)),
                status.get("/metrics").body);
  CHECK(status.get("/readyz").status == 200);
  CHECK(relay.stop(SIGTERM) == 0);

  // The slot keeps what is written while no relay reads it: past a limit of
  // 1 MiB the next relay's /readyz says so.
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, "
      "aggregate_version, event_type, payload) SELECT '" +
      f.topics().crud +
      "', '2', 'customer', 2, v, 'customer.updated', jsonb_build_object('aggregate_id', 2, "
      "'version', v, 'pad', repeat('x', 1000)) FROM generate_series(1, 3000) AS g(v)");
  testing::ChildProcess lagging(wal.commandWithStatus(port, {"--max-slot-retained-mb", "1"}));
  CHECK_MESSAGE(testing::waitUntil(
                    [&]() {
                      const auto ready = readiness(status);
                      return ready.status == 503 &&
                             ready.body.find("MiB of WAL (limit 1 MiB)") != std::string::npos;
                    },
                    std::chrono::seconds(30)),
                lagging.output());
  CHECK(lagging.stop(SIGTERM) == 0);
}
