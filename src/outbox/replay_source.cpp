#include "outbox/replay_source.hpp"

#include <algorithm>
#include <pqxx/pqxx>

namespace outbox {

namespace {

// $1..$5: from_id, to_id, from_time, to_time, topic; NULL means no bound.
#define OUTBOX_REPLAY_FILTER                                               \
  "published_at IS NOT NULL AND ($1::bigint IS NULL OR id >= $1::bigint) " \
  "AND ($2::bigint IS NULL OR id <= $2::bigint) "                          \
  "AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz) "        \
  "AND ($4::timestamptz IS NULL OR created_at < $4::timestamptz) "         \
  "AND ($5::text IS NULL OR topic = $5::text)"

// Executed once per run, so with the bounds as constants: the time bounds can
// use the BRIN index on created_at, the id bounds the primary key.
constexpr const char* kPlan =
    "SELECT topic, count(*), min(id), max(id) FROM outbox WHERE " OUTBOX_REPLAY_FILTER
    " GROUP BY topic ORDER BY topic";

constexpr const char* kPage =
    "SELECT " OUTBOX_ROW_COLUMNS " FROM outbox WHERE " OUTBOX_REPLAY_FILTER
    " AND id > $6 AND id <= $7 ORDER BY id LIMIT $8";

#undef OUTBOX_REPLAY_FILTER

}  // namespace

ReplaySource::ReplaySource(core::db::Session session) : session_(std::move(session)) {}
ReplaySource::~ReplaySource() = default;

core::Result<std::unique_ptr<ReplaySource>> ReplaySource::open(const std::string& database_url) {
  core::db::SessionOptions options;
  options.url = database_url;
  options.application_name = "outbox-relay replay";
  // Replay must never change publishing state: the server refuses any write.
  options.settings = {{"default_transaction_read_only", "on"}};
  options.statements = {{"replay_plan", kPlan}, {"replay_page", kPage}};
  core::db::Session session(std::move(options));
  if (auto connected = session.connect(); !connected) return connected.error();
  return std::unique_ptr<ReplaySource>(new ReplaySource(std::move(session)));
}

core::Result<ReplayPlan> ReplaySource::plan(const ReplayRange& range) {
  return session_.run([&](pqxx::connection& c) -> core::Result<ReplayPlan> {
    pqxx::read_transaction tx(c);
    ReplayPlan plan;
    bool first = true;
    for (const auto& r : tx.exec_prepared("replay_plan", range.from_id, range.to_id,
                                          range.from_time, range.to_time, range.topic)) {
      const auto count = r[1].as<std::int64_t>();
      plan.per_topic.emplace_back(r[0].c_str(), count);
      plan.total += count;
      const auto low = r[2].as<std::int64_t>();
      const auto high = r[3].as<std::int64_t>();
      plan.min_id = first ? low : std::min(plan.min_id, low);
      plan.max_id = first ? high : std::max(plan.max_id, high);
      first = false;
    }
    return plan;
  });
}

core::Result<std::vector<core::db::OutboxRow>> ReplaySource::page(const ReplayRange& range,
                                                                  std::int64_t after_id,
                                                                  std::int64_t up_to_id,
                                                                  std::int64_t limit) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<core::db::OutboxRow>> {
    pqxx::read_transaction tx(c);
    std::vector<core::db::OutboxRow> out;
    for (const auto& r :
         tx.exec_prepared("replay_page", range.from_id, range.to_id, range.from_time, range.to_time,
                          range.topic, after_id, up_to_id, limit)) {
      out.push_back(core::db::readOutboxRow(r));
    }
    return out;
  });
}

}  // namespace outbox
