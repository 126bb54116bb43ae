#include "outbox/retention.hpp"

#include <optional>
#include <pqxx/pqxx>

namespace outbox {

namespace {

// One window of ids [$1, $1 + $2): deletes its published rows older than the
// age ($3 seconds) and says whether the window reached rows younger than the
// age (then the walk stops: ids grow with time) and where the next window
// starts. Primary-key range scans only: no index on published_at, which every
// mark-published update would have to maintain. SKIP LOCKED: a row some other
// session holds (another retention run, an operator) is left for later.
constexpr const char* kDeleteWindow =
    "WITH doomed AS (SELECT id FROM outbox WHERE id >= $1 AND id < $1 + $2 "
    "AND published_at < clock_timestamp() - $3::bigint * interval '1 second' "
    "FOR UPDATE SKIP LOCKED), "
    "gone AS (DELETE FROM outbox o USING doomed d WHERE o.id = d.id RETURNING 1) "
    "SELECT (SELECT count(*) FROM gone), "
    "EXISTS (SELECT 1 FROM outbox WHERE id >= $1 AND id < $1 + $2 "
    "AND created_at >= clock_timestamp() - $3::bigint * interval '1 second'), "
    "(SELECT min(id) FROM outbox WHERE id >= $1 + $2)";

constexpr const char* kFirstId = "SELECT min(id) FROM outbox";

// For --dry-run only: a full scan is fine for an operator's question.
constexpr const char* kCountEligible =
    "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL "
    "AND published_at < clock_timestamp() - $1::bigint * interval '1 second'";

core::db::SessionOptions sessionOptions(const std::string& url) {
  core::db::SessionOptions options;
  options.url = url;
  options.application_name = "outbox-relay retention";
  // A batch that would wait is better skipped than queued behind anything.
  options.settings = {{"lock_timeout", "'2s'"}, {"statement_timeout", "'60s'"}};
  options.statements = {{"retention_window", kDeleteWindow},
                        {"retention_first_id", kFirstId},
                        {"retention_count", kCountEligible}};
  return options;
}

}  // namespace

Retention::Retention(RetentionOptions options)
    : options_(std::move(options)), session_(sessionOptions(options_.database_url)) {}
Retention::~Retention() = default;

void Retention::disconnect() {
  session_.disconnect();
}

core::Result<Retention::Window> Retention::deleteWindow(std::int64_t first_id) {
  return session_.run([&](pqxx::connection& c) -> core::Result<Window> {
    pqxx::work tx(c);
    const auto row = tx.exec_prepared1("retention_window", first_id, options_.batch_size,
                                       static_cast<std::int64_t>(options_.older_than.count()));
    tx.commit();
    Window out;
    out.deleted = row[0].as<std::int64_t>();
    out.reached_young_rows = row[1].as<bool>();
    if (!row[2].is_null()) out.next_id = row[2].as<std::int64_t>();
    return out;
  });
}

core::Result<std::int64_t> Retention::run(const std::function<bool()>& keep_going) {
  auto first = session_.run([&](pqxx::connection& c) -> core::Result<std::optional<std::int64_t>> {
    pqxx::nontransaction tx(c);
    const auto row = tx.exec_prepared1("retention_first_id");
    if (row[0].is_null()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>{row[0].as<std::int64_t>()};
  });
  if (!first) return first.error();
  std::int64_t total = 0;
  auto next = *first;
  while (next && keep_going()) {
    auto window = deleteWindow(*next);
    if (!window) return window.error();
    total += window->deleted;
    if (window->reached_young_rows) break;
    next = window->next_id;
  }
  return total;
}

core::Result<std::int64_t> Retention::countEligible() {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::int64_t> {
    pqxx::read_transaction tx(c);
    return tx
        .exec_prepared1("retention_count",
                        static_cast<std::int64_t>(options_.older_than.count()))[0]
        .as<std::int64_t>();
  });
}

}  // namespace outbox
