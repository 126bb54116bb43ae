#!/usr/bin/env bash
# "The outbox table grows": published rows dated 8 days back are deleted by
# the block; a parked (unpublished) row of the same age stays.
source "$(dirname "$0")/../lib.sh"
stack_healthy

id=$(create_customer "Old Rows $RANDOM")
until_true 30 "the replica has the customer" replica_has "$id" 1
until_true 30 "both rows are published" bash -c \
  "[ \"\$(psql -qtAX '$DATABASE_URL' -c 'SELECT count(*) FROM outbox WHERE aggregate_id = $id AND published_at IS NOT NULL')\" = 2 ]"
parked=$(poison_row "$id" 2 1100000)
until_true 30 "row $parked is parked" row_parked "$parked"
# The outbox ages as a whole: ids follow creation time, which retention's
# walk in id order relies on, so every row up to the parked one is 8 days older.
source_sql "UPDATE outbox SET created_at = created_at - interval '8 days',
    published_at = published_at - interval '8 days' WHERE id <= $parked"

expect_block retention
[ "$(source_sql "SELECT count(*) FROM outbox WHERE aggregate_id = $id AND published_at IS NOT NULL")" = 0 ] ||
  fail "published rows older than 7 days are still there"
[ "$(source_sql "SELECT count(*) FROM outbox WHERE id = $parked")" = 1 ] ||
  fail "retention deleted an unpublished (parked) row"
say "passed"
