#!/usr/bin/env bash
# "The source database was restored from a backup": a pg_dump is taken, then
# a lost window (an update, a create, a delete) reaches the replica and the
# mailbox; the writers are stopped and the dump restored, and after-restore
# runs as written. Afterwards new changes to the same customers reach the
# replica, verify exits 0 and no one is mailed twice.
source "$(dirname "$0")/../lib.sh"
stack_healthy
trap '"$PROJECT_ROOT/setup/startup.sh" test "$OUTBOX_BUILD_DIR" >/dev/null 2>&1' EXIT

tag=$RANDOM$RANDOM
kept="Kept $tag" deleted="Deleted $tag" lost="Lost $tag" later="Later $tag"
kept_id=$(create_customer "$kept")
deleted_id=$(create_customer "$deleted")
until_true 30 "the customers reached the replica" replica_has "$deleted_id" 1
until_true 30 "their rows are published" backlog_is_zero

BACKUP="$OUTBOX_VAR_DIR/drill-customers.dump"
pg_dump -Fc -f "$BACKUP" "$DATABASE_URL"
say "backup taken"

rename_customer "$kept_id" "$kept Lost Window"
lost_id=$(create_customer "$lost")
curl -sf -X DELETE "$API_URL/api/customers/$deleted_id" >/dev/null || fail "DELETE failed"
until_true 30 "the lost window reached the replica" replica_has "$deleted_id" 2
until_true 30 "and the mailbox" bash -c "[ \$(grep -lF '$(address_of "$deleted")' $SMTP_MAILDIR/new/* | wc -l) = 2 ]"

expect_block restore-stop-writers
export BACKUP
expect_block restore-backup
[ "$(source_sql "SELECT count(*) FROM customers WHERE id = $lost_id")" = 0 ] ||
  fail "the restored source still has the customer created after the backup"
expect_block after-restore
expect_output EQUAL
expect_block restore-start-writers

rename_customer "$kept_id" "$kept After Restore"
later_id=$(create_customer "$later")
until_true 30 "a new customer reached the replica" replica_has "$later_id" 1
until_true 30 "the change after the restore reached the replica" bash -c \
  "[ \"\$(psql -qtAX '$REPLICA_DATABASE_URL' -c 'SELECT name FROM customers WHERE id = $kept_id')\" = '$kept After Restore' ]"
[ "$(source_sql "SELECT id > $lost_id FROM customers WHERE id = $later_id")" = t ] ||
  fail "a new customer reused the id of one created in the lost window"
until_true 30 "verify exits 0" run_block verify
until_true 30 "the new customer's mail arrived" mail_arrived "$(address_of "$later")"
# kept: created, updated in the lost window, updated after; deleted: created, deleted.
for expected in "3 $kept" "2 $deleted" "1 $lost" "1 $later"; do
  count=${expected%% *} name=${expected#* }
  expect_mails "$(address_of "$name")" "$count"
done
say "passed"
