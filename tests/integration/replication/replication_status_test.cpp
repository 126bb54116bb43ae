// /metrics and /readyz of the replicator through core::http::StatusServer.

#include <doctest/doctest.h>

#include "core/http/status_server.hpp"
#include "integration/replication/replication_fixture.hpp"
#include "support/http_client.hpp"

using testing::CrudEventType;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("/metrics shows applied, skipped, dead-lettered, lag, apply latency and last offset") {
  testing::ReplicationFixture f;
  f.produce(CrudEventType::kCreated, 1, 1);
  f.produce(CrudEventType::kUpdated, 1, 2);
  f.produce(CrudEventType::kUpdated, 1, 1);  // stale once v2 is in
  f.produceRaw("9", "garbage");
  f.flush();
  auto options = f.options();
  options.batch_size = 1;
  testing::RunningReplicator worker(options);
  core::http::StatusServer status(worker.metrics, [&]() { return worker.replicator.problem(); });
  REQUIRE(status.start("127.0.0.1:0").ok());
  testing::HttpClient http("http://127.0.0.1:" + std::to_string(status.port()));
  REQUIRE(f.waitForStoredOffset(options.group_id, 4));

  std::string metrics;
  const std::string topic_labels = "topic=\"" + f.topic() + "\",partition=\"0\"";
  CHECK(testing::waitUntil([&]() {
    metrics = http.get("/metrics").body;
    return has(metrics, "replication_consumer_lag{" + topic_labels + "} 0") &&
           has(metrics, "replication_ready 1");
  }));
  CHECK(has(metrics, "replication_events_applied_total{type=\"customer.created\"} 1"));
  CHECK(has(metrics, "replication_events_applied_total{type=\"customer.updated\"} 1"));
  CHECK(has(metrics, "replication_events_skipped_total{reason=\"stale\"} 1"));
  CHECK(has(metrics, "replication_events_dead_lettered_total 1"));
  CHECK(has(metrics, "replication_last_applied_offset{" + topic_labels + "} 3"));
  CHECK(has(metrics, "replication_apply_latency_seconds_count 2"));
  CHECK(has(metrics, "replication_batches_total 4"));
  CHECK(http.get("/readyz").status == 200);
  CHECK(http.get("/healthz").status == 200);
}

TEST_CASE("/readyz is not ready while the replica database cannot be reached") {
  testing::ReplicationFixture f;
  auto options = f.options();
  options.database_url = testing::pgUrlBase() + "/" + testing::uniqueName("no_such_db");
  testing::RunningReplicator worker(options);
  core::http::StatusServer status(worker.metrics, [&]() { return worker.replicator.problem(); });
  REQUIRE(status.start("127.0.0.1:0").ok());
  testing::HttpClient http("http://127.0.0.1:" + std::to_string(status.port()));
  testing::HttpResult ready;
  CHECK(testing::waitUntil([&]() {
    ready = http.get("/readyz");
    return ready.status == 503 && has(ready.body, "replica database");
  }));
  CHECK(has(http.get("/metrics").body, "replication_ready 0"));
}
