// The decisions of `replication-worker after-restore` (after_restore_plan.*):
// lag, sequence moves, the outbox id of an event, and the correction of each
// customer the restored source and the replica see differently.

#include "workers/replication/after_restore_plan.hpp"

#include <doctest/doctest.h>

using core::domain::Customer;
using replication::CorrectionKind;
using replication::planCorrection;

namespace {

Customer customer(std::int32_t version, const std::string& name, bool deleted = false) {
  Customer c;
  c.id = 42;
  c.name = name;
  c.phone = "+44 20 7946 0000";
  c.email = "ada@example.com";
  c.deleted = deleted;
  c.version = version;
  c.updated_on = core::domain::Timestamp{1795847250123456 + version};
  return c;
}

}  // namespace

TEST_CASE("the replica lags a partition until its stored offset reaches the high watermark") {
  const std::vector<core::kafka::PartitionWatermarks> topic = {{0, 0, 10}, {1, 5, 8}, {2, 0, 0}};
  // Caught up everywhere; an empty partition needs no stored offset.
  CHECK(replication::laggingPartitions(topic, {{0, 10}, {1, 8}}).empty());

  const auto lagging = replication::laggingPartitions(topic, {{0, 7}});
  REQUIRE(lagging.size() == 2);
  CHECK(lagging[0].partition == 0);
  CHECK(lagging[0].lag == 3);
  CHECK(lagging[0].stored == 7);
  // Never stored: everything still held is unapplied (5..8), not what retention removed.
  CHECK(lagging[1].partition == 1);
  CHECK(lagging[1].lag == 3);
  CHECK_FALSE(lagging[1].stored.has_value());
}

TEST_CASE("a sequence moves past the highest id taken plus the margin, and only once") {
  // Restored: the next id (21) would be one the topic already has (36).
  const replication::SequenceState restored{20, true};
  CHECK(replication::sequenceTarget(restored, 36, 10000) == 10036);
  // Never called: last_value itself is the next id.
  CHECK(replication::sequenceTarget({37, false}, 36, 0) == std::nullopt);
  CHECK(replication::sequenceTarget({36, false}, 36, 0) == 36);
  // After the move, or after the correction rows it handed out were published
  // (the highest id taken is then its own last value): nothing to do.
  CHECK(replication::sequenceTarget({10036, true}, 36, 10000) == std::nullopt);
  CHECK(replication::sequenceTarget({10040, true}, 10040, 10000) == std::nullopt);
}

TEST_CASE("the outbox id of a CRUD event is read from its JSON, and anything else names none") {
  CHECK(replication::outboxIdOf(R"({"id":"e","outbox_id":1234,"version":3})") == 1234);
  CHECK(replication::outboxIdOf(R"({"id":"e"})") == std::nullopt);
  CHECK(replication::outboxIdOf(R"({"outbox_id":"12"})") == std::nullopt);
  CHECK(replication::outboxIdOf("not json") == std::nullopt);
  CHECK(replication::outboxIdOf("[1,2]") == std::nullopt);
}

TEST_CASE("a customer the lost window changed gets the version after the replica's") {
  // The lost window took the customer from v2 to v3 (replica); the source is back at v2.
  auto bump = planCorrection(customer(2, "Ada"), customer(3, "Ada Lovelace"));
  CHECK(bump.kind == CorrectionKind::kBumpVersion);
  CHECK(bump.version == 4);
  // Same version, other content: the restored source wrote v3 again differently.
  bump = planCorrection(customer(3, "Ada King"), customer(3, "Ada Lovelace"));
  CHECK(bump.kind == CorrectionKind::kBumpVersion);
  CHECK(bump.version == 4);
  // A newer replica version with the same other fields still collides.
  auto same_fields = customer(3, "Ada");
  same_fields.updated_on = customer(2, "Ada").updated_on;
  CHECK(planCorrection(customer(2, "Ada"), same_fields).kind == CorrectionKind::kBumpVersion);
  // Deleted in the lost window: the live source row outranks the tombstone.
  bump = planCorrection(customer(2, "Ada"), customer(3, "Ada", true));
  CHECK(bump.kind == CorrectionKind::kBumpVersion);
  CHECK(replication::correctionEventType(customer(4, "Ada")) ==
        core::domain::CrudEventType::kUpdated);
  CHECK(replication::correctionEventType(customer(4, "Ada", true)) ==
        core::domain::CrudEventType::kDeleted);
}

TEST_CASE(
    "equal rows, a source ahead of the replica and a customer the replica lacks need no "
    "correction") {
  CHECK(planCorrection(customer(2, "Ada"), customer(2, "Ada")).kind == CorrectionKind::kNone);
  CHECK(planCorrection(customer(3, "Ada"), customer(2, "Ada")).kind == CorrectionKind::kNone);
  CHECK(planCorrection(customer(1, "Ada"), std::nullopt).kind == CorrectionKind::kNone);
  // No version above the largest exists: left to repair.
  CHECK(planCorrection(customer(1, "Ada"), customer(2147483647, "Forged")).kind ==
        CorrectionKind::kNone);
}

TEST_CASE("a customer created in the lost window stays a tombstone in the source") {
  auto live = planCorrection(std::nullopt, customer(2, "Grace"));
  CHECK(live.kind == CorrectionKind::kTombstone);
  CHECK(live.version == 3);
  // Created and deleted in the window: the same tombstone, same version.
  auto gone = planCorrection(std::nullopt, customer(2, "Grace", true));
  CHECK(gone.kind == CorrectionKind::kCopyTombstone);
  CHECK(gone.version == 2);
}
