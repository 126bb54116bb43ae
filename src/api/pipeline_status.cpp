#include "api/pipeline_status.hpp"

#include "core/json/codec.hpp"
#include "core/json/fields.hpp"

namespace api {

namespace {

using core::metrics::Sample;

// A metric's sum over every source, or nothing when no source has it (its
// process is not configured or never answered).
std::optional<double> metric(const std::vector<Sample>& samples, const std::string& name) {
  if (!core::metrics::has(samples, name)) return std::nullopt;
  return core::metrics::sumOf(samples, name);
}

void writeOutbox(core::json::Writer& w, const OutboxStatus& outbox) {
  w.Key("outbox");
  w.StartObject();
  w.Key("backlog");
  w.Int64(outbox.backlog);
  w.Key("oldest_unpublished_age_seconds");
  w.Double(outbox.oldest_unpublished_age_seconds);
  w.Key("parked");
  w.Int64(outbox.parked);
  core::json::writeOptionalTimestamp(w, "last_published_at", outbox.last_published_at);
  w.EndObject();
  w.Key("relay_leader");
  if (outbox.leader) {
    w.StartObject();
    w.Key("pid");
    w.Int(outbox.leader->pid);
    w.Key("client");
    w.String(outbox.leader->client.c_str());
    core::json::writeOptionalTimestamp(w, "since", outbox.leader->since);
    w.EndObject();
  } else {
    w.Null();
  }
}

void writeSources(core::json::Writer& w, const PipelineFigures& figures) {
  w.Key("processes");
  w.StartArray();
  for (const auto& s : figures.sources) {
    w.StartObject();
    w.Key("name");
    w.String(s.source.name.c_str());
    w.Key("metrics_url");
    w.String(s.source.url.c_str());
    w.Key("up");
    w.Bool(s.up);
    core::json::writeTextOrNull(w, "error", s.error);
    core::json::writeOptionalTimestamp(w, "scraped_at", s.scraped_at);
    w.EndObject();
  }
  w.EndArray();
}

void writeFigures(core::json::Writer& w, const std::vector<Sample>& m) {
  w.Key("relay");
  w.StartObject();
  core::json::writeOptionalNumber(w, "published_total", metric(m, "outbox_published_total"));
  core::json::writeOptionalNumber(w, "leader", metric(m, "outbox_leader"));
  w.EndObject();
  w.Key("replication");
  w.StartObject();
  core::json::writeOptionalNumber(w, "lag", metric(m, "replication_consumer_lag"));
  core::json::writeOptionalNumber(w, "applied_total",
                                  metric(m, "replication_events_applied_total"));
  core::json::writeOptionalNumber(w, "dead_lettered_total",
                                  metric(m, "replication_events_dead_lettered_total"));
  w.EndObject();
  w.Key("email");
  w.StartObject();
  core::json::writeOptionalNumber(w, "sent_total", metric(m, "notification_sent_total"));
  core::json::writeOptionalNumber(w, "failed_total", metric(m, "notification_failed_total"));
  core::json::writeOptionalNumber(w, "retried_total", metric(m, "notification_retried_total"));
  core::json::writeOptionalNumber(w, "in_flight", metric(m, "notification_events_in_flight"));
  // Events on the notification and retry topics not handled yet.
  core::json::writeOptionalNumber(w, "backlog", metric(m, "notification_consumer_lag"));
  w.EndObject();
}

void writeSeries(core::json::Writer& w, const PipelineFigures& figures) {
  w.Key("series");
  w.StartObject();
  w.Key("interval_seconds");
  w.Int64(figures.interval.count());
  w.Key("points");
  w.StartArray();
  for (const auto& p : figures.points) {
    w.StartObject();
    core::json::writeOptionalTimestamp(w, "at", p.at);
    w.Key("published_per_second");
    w.Double(p.published_per_second);
    core::json::writeOptionalNumber(w, "commit_to_ack_p50_ms", p.commit_to_ack_p50_ms);
    core::json::writeOptionalNumber(w, "commit_to_ack_p99_ms", p.commit_to_ack_p99_ms);
    w.Key("emails_per_second");
    w.Double(p.emails_per_second);
    w.Key("replication_lag");
    w.Double(p.replication_lag);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string encodePipelineStatus(const OutboxStatus& outbox, const PipelineFigures& figures) {
  rapidjson::StringBuffer buffer;
  core::json::Writer w(buffer);
  w.StartObject();
  core::json::writeOptionalTimestamp(w, "generated_at", core::domain::Timestamp::now());
  writeOutbox(w, outbox);
  writeSources(w, figures);
  writeFigures(w, figures.latest);
  writeSeries(w, figures);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace api
