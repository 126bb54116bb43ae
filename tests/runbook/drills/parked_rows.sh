#!/usr/bin/env bash
# "Parked rows": an oversized row parks and holds its customer's next change.
# After the relay's limit is raised, retry publishes both; a row too large
# even for the broker is skipped, with the audit, and the change behind it flows.
source "$(dirname "$0")/../lib.sh"
export USER=${USER:-$(id -un)}
stack_healthy
restore_relay() {
  "$PROJECT_ROOT/setup/service.sh" test stop outbox-relay >/dev/null 2>&1
  stack_healthy
}
trap restore_relay EXIT

id=$(create_customer "Parked Holder $RANDOM")
until_true 30 "the replica has the customer" replica_has "$id" 1
ID=$(poison_row "$id" 2 1010000)
rename_customer "$id" "Waits Behind"
until_true 30 "row $ID is parked" row_parked "$ID"
expect_block parked-list
expect_output "$ID"
expect_output "exceeds the 1000000-byte limit"
sleep 1
replica_has "$id" 2 && fail "the change behind the parked row went out before it"

export ID
expect_block parked-retry
until_true 30 "the retried row and the change behind it reached the replica" replica_has "$id" 2
[ "$(source_sql "SELECT published_at IS NOT NULL FROM outbox WHERE id = $ID")" = t ] ||
  fail "the retried row is not marked published"

ID=$(poison_row "$id" 3 1100000)
rename_customer "$id" "Waits Again"
until_true 30 "row $ID is parked" row_parked "$ID"
expect_block parked-skip
until_true 30 "the change behind the skipped row reached the replica" replica_has "$id" 3
[ "$(source_sql "SELECT skipped_by FROM outbox WHERE id = $ID")" = "$USER" ] ||
  fail "the skip is not audited with the operator's name"
say "passed"
