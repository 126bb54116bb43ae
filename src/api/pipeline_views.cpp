#include "api/pipeline_views.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>
#include <unordered_map>

#include "core/db/array_literal.hpp"
#include "core/db/errors.hpp"
#include "core/json/codec.hpp"

namespace api {

namespace {

// The columns readDelivery() reads, starting at column 0.
#define DELIVERY_COLUMNS                                                                  \
  "(extract(epoch FROM created_at) * 1000000)::bigint, "                                  \
  "(extract(epoch FROM published_at) * 1000000)::bigint, kafka_partition, kafka_offset, " \
  "parked_at IS NOT NULL, skipped_at IS NOT NULL, attempts, coalesce(last_error, '')"
constexpr int kDeliveryColumns = 8;

// Both read the outbox_aggregate index (aggregate_type, aggregate_id, id).
constexpr const char* kCrudEvents =
    "SELECT " DELIVERY_COLUMNS
    ", id, coalesce(headers->>'event_id', ''), event_type, aggregate_version, payload::text "
    "FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = $1 "
    "AND event_type <> 'notification.email' ORDER BY id DESC LIMIT $2";
constexpr const char* kEmailEvents =
    "SELECT " DELIVERY_COLUMNS
    ", id, coalesce(headers->>'event_id', ''), coalesce(payload->>'source_event_id', '') "
    "FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = $1 "
    "AND event_type = 'notification.email' AND id >= $2 ORDER BY id";
constexpr const char* kEmailLog =
    "SELECT event_id, status, attempts, coalesce(last_error, ''), "
    "(extract(epoch FROM updated_at) * 1000000)::bigint "
    "FROM notification_log WHERE event_id = ANY($1::text[])";

#undef DELIVERY_COLUMNS

// The relay's own backlog query (outbox_session.cpp), plus the newest
// publish (the outbox_published_at index answers max() at once).
constexpr const char* kOutboxStatus =
    "SELECT count(*) FILTER (WHERE parked_at IS NULL), "
    "coalesce(extract(epoch FROM clock_timestamp() - min(created_at) FILTER (WHERE parked_at IS "
    "NULL)), 0)::float8, "
    "count(*) FILTER (WHERE parked_at IS NOT NULL AND skipped_at IS NULL), "
    "(SELECT (extract(epoch FROM max(published_at)) * 1000000)::bigint FROM outbox "
    "WHERE published_at IS NOT NULL) "
    "FROM outbox WHERE published_at IS NULL";

// The leader is the outbox-relay session that holds an advisory lock in this
// database (src/outbox/README.md: the leader lock).
constexpr const char* kRelayLeader =
    "SELECT a.pid, coalesce(host(a.client_addr), 'local'), "
    "(extract(epoch FROM a.backend_start) * 1000000)::bigint "
    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'outbox-relay' "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "ORDER BY a.backend_start LIMIT 1";

Delivery readDelivery(const pqxx::row& r) {
  Delivery d;
  d.committed_at = core::domain::Timestamp{r[0].as<std::int64_t>()};
  if (!r[1].is_null()) d.published_at = core::domain::Timestamp{r[1].as<std::int64_t>()};
  if (!r[2].is_null()) d.partition = r[2].as<std::int32_t>();
  if (!r[3].is_null()) d.offset = r[3].as<std::int64_t>();
  d.parked = r[4].as<bool>();
  d.skipped = r[5].as<bool>();
  d.attempts = r[6].as<int>();
  d.last_error = r[7].as<std::string>();
  return d;
}

HistoryEvent readCrudEvent(const pqxx::row& r) {
  HistoryEvent e;
  e.delivery = readDelivery(r);
  constexpr int c = kDeliveryColumns;
  e.outbox_id = r[c].as<std::int64_t>();
  e.event_id = r[c + 1].as<std::string>();
  e.event_type = r[c + 2].as<std::string>();
  e.version = r[c + 3].as<std::int32_t>();
  // A row is shown even when its payload cannot be read (written by an older
  // or foreign producer): the history is for people looking for trouble.
  auto decoded = core::json::decodeCrudEvent(r[c + 4].as<std::string>());
  if (decoded) {
    e.before = decoded->before_change;
    e.after = decoded->after_change;
  } else {
    e.payload_error = decoded.error().message;
  }
  return e;
}

}  // namespace

PipelineViews::PipelineViews(core::db::ConnectionPool& customers, PipelineViewOptions options)
    : customers_(customers),
      options_(std::move(options)),
      monitor_(options_.metrics_sources, options_.metrics_interval, options_.metrics_window) {
  monitor_.start();
  if (!options_.notifications_database_url.empty()) {
    core::db::PoolOptions pool;
    pool.url = options_.notifications_database_url;
    pool.size = 2;  // the UI's occasional reads
    pool.acquire_timeout = std::chrono::milliseconds(1000);
    pool.connect_timeout_seconds = 2;
    notifications_ = std::make_unique<core::db::ConnectionPool>(std::move(pool));
  }
}

PipelineViews::~PipelineViews() = default;

core::Result<PipelineViews::History> PipelineViews::history(std::int64_t customer_id,
                                                            std::size_t limit) {
  auto read = readHistory(customer_id, limit);
  if (!read) return read;
  // After the customers connection went back to the pool: the worker's
  // database may be slow or away, and the API's requests need that pool.
  std::vector<EmailRecord*> emails;
  for (auto& e : read->events) {
    for (auto& email : e.emails) emails.push_back(&email);
  }
  read->emails_known = readEmailLog(emails);
  return read;
}

core::Result<PipelineViews::History> PipelineViews::readHistory(std::int64_t customer_id,
                                                                std::size_t limit) {
  auto lease = customers_.acquire();
  if (!lease) return lease.error();
  return core::db::guarded([&]() -> core::Result<History> {
    pqxx::read_transaction tx(**lease);  // one snapshot for both queries
    History history;
    for (const auto& r :
         tx.exec_params(kCrudEvents, customer_id, static_cast<std::int64_t>(limit))) {
      history.events.push_back(readCrudEvent(r));
    }
    if (history.events.empty()) return history;
    std::unordered_map<std::string, HistoryEvent*> by_event_id;
    for (auto& e : history.events) by_event_id[e.event_id] = &e;
    for (const auto& r :
         tx.exec_params(kEmailEvents, customer_id, history.events.back().outbox_id)) {
      EmailRecord email;
      email.delivery = readDelivery(r);
      email.outbox_id = r[kDeliveryColumns].as<std::int64_t>();
      email.event_id = r[kDeliveryColumns + 1].as<std::string>();
      email.source_event_id = r[kDeliveryColumns + 2].as<std::string>();
      const auto cause = by_event_id.find(email.source_event_id);
      if (cause != by_event_id.end()) cause->second->emails.push_back(std::move(email));
    }
    return history;
  });
}

core::Result<OutboxStatus> PipelineViews::outbox() {
  auto lease = customers_.acquire();
  if (!lease) return lease.error();
  return core::db::guarded([&]() -> core::Result<OutboxStatus> {
    pqxx::nontransaction tx(**lease);
    OutboxStatus status;
    const auto r = tx.exec1(kOutboxStatus);
    status.backlog = r[0].as<std::int64_t>();
    status.oldest_unpublished_age_seconds = r[1].as<double>();
    status.parked = r[2].as<std::int64_t>();
    if (!r[3].is_null())
      status.last_published_at = core::domain::Timestamp{r[3].as<std::int64_t>()};
    const auto leader = tx.exec(kRelayLeader);
    if (!leader.empty()) {
      status.leader = RelayLeader{leader[0][0].as<int>(), leader[0][1].as<std::string>(),
                                  core::domain::Timestamp{leader[0][2].as<std::int64_t>()}};
    }
    return status;
  });
}

bool PipelineViews::readEmailLog(std::vector<EmailRecord*>& emails) {
  if (!notifications_) return false;
  if (emails.empty()) return true;
  auto lease = notifications_->acquire();
  if (!lease) {
    spdlog::debug("e-mail states unknown: {}", lease.error().message);
    return false;
  }
  std::vector<std::string> ids;
  std::unordered_map<std::string, EmailRecord*> by_id;
  for (auto* email : emails) {
    ids.push_back(email->event_id);
    by_id[email->event_id] = email;
  }
  auto read = core::db::guarded([&]() -> core::Status {
    pqxx::nontransaction tx(**lease);
    for (const auto& r : tx.exec_params(kEmailLog, core::db::arrayLiteral(ids))) {
      const auto found = by_id.find(r[0].as<std::string>());
      if (found == by_id.end()) continue;
      auto* email = found->second;
      email->log_status = r[1].as<std::string>();
      email->log_attempts = r[2].as<int>();
      email->log_error = r[3].as<std::string>();
      email->log_updated_at = core::domain::Timestamp{r[4].as<std::int64_t>()};
    }
    return {};
  });
  if (!read) spdlog::debug("e-mail states unknown: {}", read.error().message);
  return read.ok();
}

}  // namespace api
