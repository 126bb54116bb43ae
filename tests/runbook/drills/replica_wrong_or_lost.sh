#!/usr/bin/env bash
# "The replica is wrong or lost": a forged replica version makes verify fail
# and verify --repair fixes it, after which real updates apply again; a
# dropped replica database is rebuilt from the topic, and verify --repair
# copies what retention removed from the topic and the outbox.
source "$(dirname "$0")/../lib.sh"
stack_healthy

id=$(create_customer "Forged Version $RANDOM")
until_true 30 "the replica has the customer" replica_has "$id" 1
replica_sql "UPDATE customers SET name = 'Forged', version = version + 5 WHERE id = $id"
run_block verify && fail "verify exited 0 with a forged replica row"
expect_output different=1
expect_block verify-repair
expect_output EQUAL
rename_customer "$id" "Real Update"
until_true 30 "a real update applies after the repair" bash -c \
  "[ \"\$(psql -qtAX '$REPLICA_DATABASE_URL' -c 'SELECT name FROM customers WHERE id = $id')\" = 'Real Update' ]"

psql -qtAX "$PG_URL_BASE/postgres" -c "DROP DATABASE customers_replica WITH (FORCE)"
say "dropped the replica database"
expect_block replica-rebuild
until_true 90 "verify --repair exits 0 on the rebuilt replica" run_block verify-repair
until_true 30 "verify exits 0" run_block verify
expect_output EQUAL
until_true 30 "the rebuilt replica's worker read the topic (stored an offset)" bash -c \
  "[ \"\$(psql -qtAX '$REPLICA_DATABASE_URL' -c 'SELECT count(*) FROM consumer_offsets')\" -ge 1 ]"
say "passed"
