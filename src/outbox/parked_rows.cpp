#include "outbox/parked_rows.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <pqxx/pqxx>

#include "core/db/array_literal.hpp"

namespace outbox {

namespace {

#define OUTBOX_UTC(column) \
  "coalesce(to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"

constexpr const char* kList =
    "SELECT p.id, p.aggregate_type, p.aggregate_id, p.topic, p.event_type, p.attempts, "
    "coalesce(p.last_error, ''), " OUTBOX_UTC("p.parked_at") ", "
    "CASE WHEN p.skipped_at IS NULL THEN (SELECT count(*) FROM outbox w WHERE w.published_at IS NULL "
    "AND w.aggregate_type = p.aggregate_type AND w.aggregate_id = p.aggregate_id AND w.id > p.id) "
    "ELSE 0 END, "
    "p.skipped_at IS NOT NULL, " OUTBOX_UTC("p.skipped_at") ", coalesce(p.skipped_by, ''), "
    "coalesce(p.skip_reason, '') "
    "FROM outbox p WHERE p.parked_at IS NOT NULL AND p.published_at IS NULL "
    "AND ($1::boolean OR p.skipped_at IS NULL) ORDER BY p.id LIMIT $2";

// An unresolved parked row: parked, not published, not skipped.
constexpr const char* kRetry =
    "UPDATE outbox SET parked_at = NULL, attempts = 0 "
    "WHERE parked_at IS NOT NULL AND published_at IS NULL AND skipped_at IS NULL "
    "AND ($1::boolean OR id = ANY($2::bigint[])) RETURNING id";

constexpr const char* kSkip =
    "UPDATE outbox SET skipped_at = clock_timestamp(), skipped_by = $2, skip_reason = $3 "
    "WHERE parked_at IS NOT NULL AND published_at IS NULL AND skipped_at IS NULL "
    "AND id = ANY($1::bigint[]) RETURNING id";

// Why an id could not be retried or skipped.
constexpr const char* kDescribe =
    "SELECT id, CASE WHEN published_at IS NOT NULL THEN 'already published' "
    "WHEN skipped_at IS NOT NULL THEN 'already skipped' "
    "WHEN parked_at IS NULL THEN 'not parked' ELSE 'parked' END "
    "FROM outbox WHERE id = ANY($1::bigint[])";

#undef OUTBOX_UTC

// Requested ids the statement did not change, with why; empty when all were.
std::string missing(pqxx::work& tx, const std::vector<std::int64_t>& requested,
                    const std::vector<std::int64_t>& changed) {
  std::vector<std::int64_t> left;
  std::set_difference(requested.begin(), requested.end(), changed.begin(), changed.end(),
                      std::back_inserter(left));
  if (left.empty()) return "";
  std::map<std::int64_t, std::string> state;
  for (const auto& r : tx.exec_prepared("parked_describe", core::db::arrayLiteral(left))) {
    state[r[0].as<std::int64_t>()] = r[1].c_str();
  }
  std::string out;
  for (const auto id : left) {
    if (!out.empty()) out += ", ";
    auto it = state.find(id);
    out += "row " + std::to_string(id) + " is " +
           (it == state.end() ? "not in the outbox" : it->second);
  }
  return out;
}

std::vector<std::int64_t> ids(const pqxx::result& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r[0].as<std::int64_t>());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

ParkedRows::ParkedRows(core::db::Session session) : session_(std::move(session)) {}
ParkedRows::~ParkedRows() = default;

core::Result<std::unique_ptr<ParkedRows>> ParkedRows::open(const std::string& database_url) {
  core::db::SessionOptions options;
  options.url = database_url;
  options.application_name = "outbox-relay parked";
  options.statements = {{"parked_list", kList},
                        {"parked_retry", kRetry},
                        {"parked_skip", kSkip},
                        {"parked_describe", kDescribe}};
  core::db::Session session(std::move(options));
  if (auto connected = session.connect(); !connected) return connected.error();
  return std::unique_ptr<ParkedRows>(new ParkedRows(std::move(session)));
}

core::Result<std::vector<ParkedRow>> ParkedRows::list(bool include_skipped, std::int64_t limit) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<ParkedRow>> {
    pqxx::read_transaction tx(c);
    std::vector<ParkedRow> out;
    for (const auto& r : tx.exec_prepared("parked_list", include_skipped, limit)) {
      ParkedRow row;
      row.id = r[0].as<std::int64_t>();
      row.aggregate_type = r[1].c_str();
      row.aggregate_id = r[2].as<std::int64_t>();
      row.topic = r[3].c_str();
      row.event_type = r[4].c_str();
      row.attempts = r[5].as<int>();
      row.error = r[6].c_str();
      row.parked_at = r[7].c_str();
      row.waiting = r[8].as<std::int64_t>();
      row.skipped = r[9].as<bool>();
      row.skipped_at = r[10].c_str();
      row.skipped_by = r[11].c_str();
      row.skip_reason = r[12].c_str();
      out.push_back(std::move(row));
    }
    return out;
  });
}

core::Result<std::vector<std::int64_t>> ParkedRows::retry(
    const std::vector<std::int64_t>& requested, bool all) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<std::int64_t>> {
    pqxx::work tx(c);
    auto changed = ids(tx.exec_prepared("parked_retry", all, core::db::arrayLiteral(requested)));
    if (!all) {
      if (auto why = missing(tx, requested, changed); !why.empty()) {
        tx.abort();
        return core::Error{core::ErrorKind::kNotFound, "nothing retried: " + why};
      }
    }
    tx.commit();
    return changed;
  });
}

core::Result<std::vector<std::int64_t>> ParkedRows::skip(const std::vector<std::int64_t>& requested,
                                                         const std::string& by,
                                                         const std::string& reason) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<std::int64_t>> {
    pqxx::work tx(c);
    auto changed =
        ids(tx.exec_prepared("parked_skip", core::db::arrayLiteral(requested), by, reason));
    if (auto why = missing(tx, requested, changed); !why.empty()) {
      tx.abort();
      return core::Error{core::ErrorKind::kNotFound, "nothing skipped: " + why};
    }
    tx.commit();
    return changed;
  });
}

}  // namespace outbox
