#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "api/pipeline_monitor.hpp"
#include "api/pipeline_status.hpp"

using api::parseMetricsSources;
using api::pointBetween;
using core::metrics::parseExposition;

namespace {

std::vector<core::metrics::Sample> page(double published, double le10ms, double le100ms,
                                        double sent, double lag) {
  const auto n = [](double v) { return std::to_string(v); };
  return parseExposition("outbox_published_total " + n(published) + "\n" +
                         "outbox_commit_to_ack_seconds_bucket{le=\"0.01\"} " + n(le10ms) + "\n" +
                         "outbox_commit_to_ack_seconds_bucket{le=\"0.1\"} " + n(le100ms) + "\n" +
                         "outbox_commit_to_ack_seconds_bucket{le=\"+Inf\"} " + n(le100ms) + "\n" +
                         "notification_sent_total " + n(sent) + "\n" +
                         "replication_consumer_lag{topic=\"t\",partition=\"0\"} " + n(lag) + "\n" +
                         "replication_consumer_lag{topic=\"t\",partition=\"1\"} 1\n");
}

}  // namespace

TEST_CASE("a point is the counters' growth per second and the latency of that interval only") {
  // Before: 100 published, all under 10 ms. Then 50 more, all between 10 and 100 ms.
  const auto before = page(100, 100, 100, 10, 0);
  const auto after = page(150, 100, 150, 30, 4);
  const auto p = pointBetween(before, after, 5, {});
  CHECK(p.published_per_second == doctest::Approx(10));
  CHECK(p.emails_per_second == doctest::Approx(4));
  CHECK(p.replication_lag == doctest::Approx(5));  // summed over partitions
  REQUIRE(p.commit_to_ack_p50_ms.has_value());
  CHECK(*p.commit_to_ack_p50_ms > 10);  // the old, fast observations do not count
  CHECK(*p.commit_to_ack_p50_ms == doctest::Approx(55));
}

TEST_CASE("a restarted process's counters count from zero, and an idle interval has no latency") {
  const auto p = pointBetween(page(1000, 900, 1000, 50, 0), page(20, 20, 20, 5, 0), 10, {});
  CHECK(p.published_per_second == doctest::Approx(2));
  CHECK(p.emails_per_second == doctest::Approx(0.5));
  REQUIRE(p.commit_to_ack_p99_ms.has_value());
  CHECK(*p.commit_to_ack_p99_ms <= 10);
  const auto idle = pointBetween(page(5, 5, 5, 0, 0), page(5, 5, 5, 0, 0), 5, {});
  CHECK(idle.published_per_second == 0);
  CHECK_FALSE(idle.commit_to_ack_p50_ms.has_value());
}

TEST_CASE("--pipeline-metrics is name=url, comma-separated, and anything else is refused") {
  const auto sources =
      parseMetricsSources("outbox-relay=http://127.0.0.1:9464/metrics, mail=https://m/metrics");
  REQUIRE(sources.has_value());
  REQUIRE(sources->size() == 2);
  CHECK((*sources)[0].name == "outbox-relay");
  CHECK((*sources)[1].url == "https://m/metrics");
  CHECK(parseMetricsSources("")->empty());
  CHECK_FALSE(parseMetricsSources("relay").has_value());
  CHECK_FALSE(parseMetricsSources("=http://x").has_value());
  CHECK_FALSE(parseMetricsSources("relay=file:///etc/passwd").has_value());
}

TEST_CASE("the status JSON carries the outbox, the leader, the processes and the points") {
  api::OutboxStatus outbox;
  outbox.backlog = 12;
  outbox.parked = 1;
  outbox.leader = api::RelayLeader{4242, "127.0.0.1", {}};
  api::PipelineFigures figures;
  figures.interval = std::chrono::seconds(5);
  figures.sources.push_back({{"outbox-relay", "http://r/metrics"}, false, "HTTP 500", {}});
  figures.latest = page(7, 7, 7, 3, 0);
  figures.points.push_back(pointBetween(page(0, 0, 0, 0, 0), page(7, 7, 7, 3, 0), 1, {}));
  rapidjson::Document doc;
  doc.Parse(api::encodePipelineStatus(outbox, figures).c_str());
  REQUIRE_FALSE(doc.HasParseError());
  CHECK(doc["outbox"]["backlog"].GetInt64() == 12);
  CHECK(doc["outbox"]["parked"].GetInt64() == 1);
  CHECK(doc["outbox"]["last_published_at"].IsNull());
  CHECK(doc["relay_leader"]["pid"].GetInt() == 4242);
  CHECK_FALSE(doc["processes"][0]["up"].GetBool());
  CHECK(std::string(doc["processes"][0]["error"].GetString()) == "HTTP 500");
  CHECK(doc["relay"]["published_total"].GetDouble() == 7);
  CHECK(doc["email"]["sent_total"].GetDouble() == 3);
  CHECK(doc["email"]["failed_total"].IsNull());  // no process reported it
  CHECK(doc["email"]["backlog"].IsNull());
  CHECK(doc["series"]["interval_seconds"].GetInt() == 5);
  CHECK(doc["series"]["points"][0]["published_per_second"].GetDouble() == doctest::Approx(7));
}
