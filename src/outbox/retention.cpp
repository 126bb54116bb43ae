#include "outbox/retention.hpp"

#include <pqxx/pqxx>

#include "core/db/connection_url.hpp"
#include "core/db/errors.hpp"

namespace outbox {

namespace {

// Served by the partial index outbox_published_at. SKIP LOCKED: a row some
// other session holds (another retention run, an operator) is left for later.
constexpr const char* kDeleteBatch =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL "
    "AND published_at < clock_timestamp() - $1::bigint * interval '1 second' "
    "ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED)";

constexpr const char* kCountEligible =
    "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL "
    "AND published_at < clock_timestamp() - $1::bigint * interval '1 second'";

}  // namespace

Retention::Retention(RetentionOptions options) : options_(std::move(options)) {}
Retention::~Retention() = default;

core::Status Retention::connect() {
  if (connection_ && connection_->is_open()) return {};
  try {
    auto c =
        std::make_unique<pqxx::connection>(core::db::withConnectTimeout(options_.database_url, 5));
    c->set_variable("application_name", "'outbox-relay retention'");
    // A batch that would wait is better skipped than queued behind anything.
    c->set_variable("lock_timeout", "'2s'");
    c->set_variable("statement_timeout", "'60s'");
    c->prepare("retention_delete", kDeleteBatch);
    c->prepare("retention_count", kCountEligible);
    connection_ = std::move(c);
    return {};
  } catch (const std::exception& e) {
    connection_.reset();
    return core::Error{core::ErrorKind::kUnavailable,
                       "database " + core::db::redactPassword(options_.database_url) +
                           " unreachable: " + e.what()};
  }
}

core::Result<std::int64_t> Retention::deleteBatch() {
  if (auto connected = connect(); !connected) return connected.error();
  auto deleted = core::db::guarded([&]() -> core::Result<std::int64_t> {
    pqxx::work tx(*connection_);
    const auto result =
        tx.exec_prepared("retention_delete", static_cast<std::int64_t>(options_.older_than.count()),
                         options_.batch_size);
    tx.commit();
    return static_cast<std::int64_t>(result.affected_rows());
  });
  if (!deleted && deleted.error().kind == core::ErrorKind::kUnavailable) connection_.reset();
  return deleted;
}

core::Result<std::int64_t> Retention::run(const std::function<bool()>& keep_going) {
  std::int64_t total = 0;
  while (keep_going()) {
    auto deleted = deleteBatch();
    if (!deleted) return deleted.error();
    total += *deleted;
    if (*deleted < options_.batch_size) break;
  }
  return total;
}

core::Result<std::int64_t> Retention::countEligible() {
  if (auto connected = connect(); !connected) return connected.error();
  return core::db::guarded([&]() -> core::Result<std::int64_t> {
    pqxx::read_transaction tx(*connection_);
    return tx
        .exec_prepared1("retention_count",
                        static_cast<std::int64_t>(options_.older_than.count()))[0]
        .as<std::int64_t>();
  });
}

}  // namespace outbox
