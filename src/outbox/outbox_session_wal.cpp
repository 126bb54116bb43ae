// OutboxSession's statements for --source wal (migration 0013): the customers
// whose rows the stream left in the outbox, and the slots whose polling drain
// is due. The SQL is with the other statements in outbox_session.cpp.

#include <pqxx/pqxx>

#include "core/db/array_literal.hpp"
#include "outbox/outbox_session.hpp"

namespace outbox {

namespace {

std::vector<Aggregate> readAggregates(const pqxx::result& rows) {
  std::vector<Aggregate> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.emplace_back(r[0].as<std::string>(), r[1].as<std::int64_t>());
  return out;
}

}  // namespace

core::Status OutboxSession::hold(const std::vector<Aggregate>& aggregates) {
  if (aggregates.empty()) return {};
  std::vector<std::string> types;
  std::vector<std::int64_t> ids;
  for (const auto& [type, id] : aggregates) {
    types.push_back(type);
    ids.push_back(id);
  }
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("outbox_hold", core::db::arrayLiteral(types), core::db::arrayLiteral(ids));
    return {};
  });
}

core::Result<std::vector<Aggregate>> OutboxSession::heldAggregates() {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<Aggregate>> {
    pqxx::nontransaction tx(c);
    return readAggregates(tx.exec_prepared("outbox_held_aggregates"));
  });
}

core::Result<std::vector<core::db::OutboxRow>> OutboxSession::pendingHeld(std::size_t limit) {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<core::db::OutboxRow>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared("outbox_pending_held", static_cast<std::int64_t>(limit));
    std::vector<core::db::OutboxRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(core::db::readOutboxRow(r));
    return out;
  });
}

core::Result<std::vector<Aggregate>> OutboxSession::releaseHeld() {
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<Aggregate>> {
    pqxx::nontransaction tx(c);
    return readAggregates(tx.exec_prepared("outbox_release_held"));
  });
}

core::Result<std::vector<std::int64_t>> OutboxSession::publishedAmong(
    const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return std::vector<std::int64_t>{};
  return session_.run([&](pqxx::connection& c) -> core::Result<std::vector<std::int64_t>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_prepared("outbox_published_among", core::db::arrayLiteral(ids));
    std::vector<std::int64_t> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(r[0].as<std::int64_t>());
    return out;
  });
}

core::Status OutboxSession::requestSlotDrain(const std::string& slot) {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("outbox_request_slot_drain", slot);
    return {};
  });
}

core::Result<bool> OutboxSession::slotDrainDue(const std::string& slot) {
  return session_.run([&](pqxx::connection& c) -> core::Result<bool> {
    pqxx::nontransaction tx(c);
    return !tx.exec_prepared("outbox_slot_drain_due", slot).empty();
  });
}

core::Status OutboxSession::finishSlotDrain(const std::string& slot) {
  return session_.run([&](pqxx::connection& c) -> core::Status {
    pqxx::nontransaction tx(c);
    tx.exec_prepared("outbox_finish_slot_drain", slot);
    return {};
  });
}

}  // namespace outbox
