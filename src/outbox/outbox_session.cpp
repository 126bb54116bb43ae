#include "outbox/outbox_session.hpp"

#include <algorithm>
#include <chrono>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "core/db/array_literal.hpp"

namespace outbox {

namespace {

constexpr const char* kTryLock = "SELECT pg_try_advisory_lock($1)";

// Rows of a customer wait behind its first unresolved row that the broker
// refused, parked or still being retried (attempts > 0): a retry of the
// refused row must not carry its customer's later rows along. Those rows are
// gathered once (a materialized CTE over the tiny outbox_held index) rather
// than looked up per pending row: with statistics from a nearly empty outbox,
// the per-row form was planned as a sequential scan inside a nested loop and
// a burst of 50k rows then took minutes to read.
#define OUTBOX_PENDING_SELECT                                                             \
  "WITH held AS MATERIALIZED (SELECT aggregate_type, aggregate_id, min(id) AS parked_id " \
  "FROM outbox WHERE (parked_at IS NOT NULL OR attempts > 0) AND published_at IS NULL "   \
  "AND skipped_at IS NULL GROUP BY aggregate_type, aggregate_id) "                        \
  "SELECT " OUTBOX_ROW_COLUMNS                                                            \
  " FROM outbox o WHERE o.published_at IS NULL AND o.parked_at IS NULL "                  \
  "AND NOT EXISTS (SELECT 1 FROM held h WHERE h.aggregate_type = o.aggregate_type "       \
  "AND h.aggregate_id = o.aggregate_id AND h.parked_id < o.id) "

constexpr const char* kPending = OUTBOX_PENDING_SELECT "ORDER BY o.id LIMIT $1";

// The same, minus the ids of a batch still in flight (a hashed NOT IN subplan:
// one lookup per row, whatever the batch size).
constexpr const char* kPendingExcept =
    OUTBOX_PENDING_SELECT "AND o.id NOT IN (SELECT unnest($2::bigint[])) ORDER BY o.id LIMIT $1";

// --source wal: the same, for the customers the stream left to this query.
constexpr const char* kPendingHeld = OUTBOX_PENDING_SELECT
    "AND (o.aggregate_type, o.aggregate_id) IN (SELECT aggregate_type, aggregate_id FROM "
    "outbox_relay_held) ORDER BY o.id LIMIT $1";

#undef OUTBOX_PENDING_SELECT

// --source wal (0013). A customer with a refused or parked row is held too:
// after a restart the stream must not carry its later rows past that row.
constexpr const char* kHold =
    "INSERT INTO outbox_relay_held (aggregate_type, aggregate_id) "
    "SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING";
constexpr const char* kHeldAggregates =
    "WITH refused AS (INSERT INTO outbox_relay_held (aggregate_type, aggregate_id) "
    "SELECT DISTINCT aggregate_type, aggregate_id FROM outbox "
    "WHERE (parked_at IS NOT NULL OR attempts > 0) AND published_at IS NULL AND skipped_at IS NULL "
    "ON CONFLICT DO NOTHING RETURNING aggregate_type, aggregate_id) "
    "SELECT aggregate_type, aggregate_id FROM refused "
    "UNION SELECT aggregate_type, aggregate_id FROM outbox_relay_held";
constexpr const char* kReleaseHeld =
    "DELETE FROM outbox_relay_held r WHERE NOT EXISTS (SELECT 1 FROM outbox o "
    "WHERE o.aggregate_type = r.aggregate_type AND o.aggregate_id = r.aggregate_id "
    "AND o.published_at IS NULL AND o.skipped_at IS NULL) RETURNING aggregate_type, aggregate_id";
constexpr const char* kPublishedAmong =
    "SELECT id FROM outbox WHERE id = ANY($1::bigint[]) AND published_at IS NOT NULL";
constexpr const char* kRequestSlotDrain =
    "INSERT INTO outbox_relay_slot_drains (slot_name) VALUES ($1) ON CONFLICT DO NOTHING";
constexpr const char* kSlotDrainDue = "SELECT 1 FROM outbox_relay_slot_drains WHERE slot_name = $1";
constexpr const char* kFinishSlotDrain =
    "DELETE FROM outbox_relay_slot_drains WHERE slot_name = $1";

constexpr const char* kMarkPublished =
    "UPDATE outbox AS o SET published_at = clock_timestamp(), kafka_partition = m.kafka_partition, "
    "kafka_offset = m.kafka_offset, last_error = NULL "
    "FROM unnest($1::bigint[], $2::integer[], $3::bigint[]) AS m(id, kafka_partition, "
    "kafka_offset) "
    "WHERE o.id = m.id AND o.published_at IS NULL RETURNING o.id";

constexpr const char* kRecordFailure =
    "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
    "parked_at = CASE WHEN $3::boolean OR attempts + 1 >= $4::integer THEN clock_timestamp() END "
    "WHERE id = $1 AND published_at IS NULL RETURNING parked_at IS NOT NULL";

constexpr const char* kBacklog =
    "SELECT count(*) FILTER (WHERE parked_at IS NULL), "
    "coalesce(extract(epoch FROM clock_timestamp() - min(created_at) FILTER (WHERE parked_at IS "
    "NULL)), 0)::float8, "
    "count(*) FILTER (WHERE parked_at IS NOT NULL AND skipped_at IS NULL) "
    "FROM outbox WHERE published_at IS NULL";

// Readable by any role: the view and the function need no grant.
constexpr const char* kSlotRetention =
    "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint, "
    "coalesce(wal_status, '') FROM pg_replication_slots WHERE slot_name = $1";

// Whether the insert trigger should NOTIFY (wakeup_switch.hpp).
constexpr const char* kRequestWakeups =
    "INSERT INTO outbox_relay_wakeup (wanted) VALUES ($1) "
    "ON CONFLICT (singleton) DO UPDATE SET wanted = excluded.wanted";

core::db::SessionOptions sessionOptions(std::string url) {
  core::db::SessionOptions options;
  options.url = std::move(url);
  // A lost session must not linger: its lock has to go with it.
  options.application_name = "outbox-relay";
  // The marks need no flush to disk before the next batch: a mark that a
  // database crash loses only republishes rows (at least once), never loses
  // one, and waiting for the WAL flush was a fifth of every batch.
  options.settings = {{"synchronous_commit", "off"}};
  options.statements = {{"outbox_try_lock", kTryLock},
                        {"outbox_pending", kPending},
                        {"outbox_pending_except", kPendingExcept},
                        {"outbox_mark_published", kMarkPublished},
                        {"outbox_record_failure", kRecordFailure},
                        {"outbox_backlog", kBacklog},
                        {"outbox_slot_retention", kSlotRetention},
                        {"outbox_request_wakeups", kRequestWakeups},
                        {"outbox_pending_held", kPendingHeld},
                        {"outbox_hold", kHold},
                        {"outbox_held_aggregates", kHeldAggregates},
                        {"outbox_release_held", kReleaseHeld},
                        {"outbox_published_among", kPublishedAmong},
                        {"outbox_request_slot_drain", kRequestSlotDrain},
                        {"outbox_slot_drain_due", kSlotDrainDue},
                        {"outbox_finish_slot_drain", kFinishSlotDrain}};
  // The lock lives in the session: only connect() (then tryLock) may open a new one.
  options.reconnect_on_run = false;
  return options;
}

}  // namespace

OutboxSession::OutboxSession(std::string database_url)
    : session_(sessionOptions(std::move(database_url))) {}
OutboxSession::~OutboxSession() = default;

core::Status OutboxSession::connect() {
  return session_.connect();
}

bool OutboxSession::connected() const {
  return session_.connected();
}

void OutboxSession::disconnect() {
  session_.disconnect();
}

core::Result<bool> OutboxSession::tryLock(std::int64_t key) {
  return session_.run([&](pqxx::connection& c) -> core::Result<bool> {
    pqxx::nontransaction tx(c);
    return tx.exec_prepared1("outbox_try_lock", key)[0].as<bool>();
  });
}

core::Result<std::vector<core::db::OutboxRow>> OutboxSession::pending(
    std::size_t limit, const std::vector<std::int64_t>& excluding) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<core::db::OutboxRow>> {
    pqxx::nontransaction tx(c);
    const auto rows =
        excluding.empty()
            ? tx.exec_prepared("outbox_pending", static_cast<std::int64_t>(limit))
            : tx.exec_prepared("outbox_pending_except", static_cast<std::int64_t>(limit),
                               core::db::arrayLiteral(excluding));
    std::vector<core::db::OutboxRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(core::db::readOutboxRow(r));
    return out;
  });
}

core::Status OutboxSession::markPublished(const std::vector<PublishedMark>& marks) {
  // A row streamed from the slot (--source wal) can be in the WAL, and in
  // Kafka, a moment before its transaction is visible to other sessions: the
  // commit record is flushed first, the transaction shown after. A mark in
  // that moment finds nothing to update. Such rows are marked again until
  // they are visible; rows published meanwhile (by a drain) need nothing.
  auto pending = marks;
  auto pause = std::chrono::milliseconds(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!pending.empty()) {
    auto unmarked = markOnce(pending);
    if (!unmarked) return unmarked.error();
    if (unmarked->empty()) return {};
    auto published = publishedAmong(*unmarked);
    if (!published) return published.error();
    const std::set<std::int64_t> retry(unmarked->begin(), unmarked->end());
    const std::set<std::int64_t> done(published->begin(), published->end());
    std::vector<PublishedMark> next;
    for (const auto& mark : pending) {
      if (retry.count(mark.id) > 0 && done.count(mark.id) == 0) next.push_back(mark);
    }
    pending = std::move(next);
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return core::Error{core::ErrorKind::kUnavailable,
                         "outbox row id=" + std::to_string(pending.front().id) +
                             " was delivered but is not visible to mark after 10 s"};
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  return {};
}

core::Result<std::vector<std::int64_t>> OutboxSession::markOnce(
    const std::vector<PublishedMark>& marks) {
  std::vector<std::int64_t> ids, offsets;
  std::vector<std::int32_t> partitions;
  for (const auto& m : marks) {
    ids.push_back(m.id);
    partitions.push_back(m.partition);
    offsets.push_back(m.offset);
  }
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<std::int64_t>> {
    pqxx::nontransaction tx(c);  // one statement: atomic on its own
    const auto updated =
        tx.exec_prepared("outbox_mark_published", core::db::arrayLiteral(ids),
                         core::db::arrayLiteral(partitions), core::db::arrayLiteral(offsets));
    std::set<std::int64_t> marked;
    for (const auto& r : updated) marked.insert(r[0].as<std::int64_t>());
    std::vector<std::int64_t> unmarked;
    for (const auto id : ids) {
      if (marked.count(id) == 0) unmarked.push_back(id);
    }
    return unmarked;
  });
}

core::Result<bool> OutboxSession::recordFailure(std::int64_t id, const std::string& error,
                                                bool park_now, int max_attempts) {
  return session_.run([&](pqxx::connection& c) -> core::Result<bool> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared("outbox_record_failure", id, error, park_now, max_attempts);
    return !rows.empty() && rows[0][0].as<bool>();
  });
}

core::Status OutboxSession::requestWakeups(bool wanted) {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("outbox_request_wakeups", wanted);
    return {};
  });
}

core::Result<Backlog> OutboxSession::backlog() {
  return session_.run([&](pqxx::connection& c) -> core::Result<Backlog> {
    pqxx::nontransaction tx(c);
    const auto r = tx.exec_prepared1("outbox_backlog");
    return Backlog{r[0].as<std::int64_t>(), r[1].as<double>(), r[2].as<std::int64_t>()};
  });
}

core::Result<std::optional<SlotRetention>> OutboxSession::slotRetention(const std::string& slot) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::optional<SlotRetention>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared("outbox_slot_retention", slot);
    if (rows.empty()) return std::optional<SlotRetention>();
    return std::optional<SlotRetention>(
        SlotRetention{rows[0][0].as<std::int64_t>(), rows[0][1].as<std::string>()});
  });
}

}  // namespace outbox
