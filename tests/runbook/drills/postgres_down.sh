#!/usr/bin/env bash
# "PostgreSQL is down": the API refuses writes with 503 while the database is
# stopped; after the block brings it back the pipeline works again and
# verify finds the replica equal.
source "$(dirname "$0")/../lib.sh"
stack_healthy

"$PROJECT_ROOT/setup/service.sh" test stop postgres
until_true 15 "the API's /readyz turned 503" bash -c "! curl -sf '$API_URL/readyz'"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API_URL/api/customers" \
  -H 'Content-Type: application/json' -d '{"name":"No Database","email":"no.db@example.com","phone":"+15550100"}')
[ "$status" = 503 ] || fail "a write without the database answered $status, not 503"

expect_block postgres-back
expect_output EQUAL
for url in "$API_URL" "$RELAY_STATUS_URL" "$REPLICATION_STATUS_URL" "$NOTIFICATION_STATUS_URL"; do
  until_true 10 "$url is ready again" curl -sf "$url/readyz"
done
id=$(create_customer "After Restart $RANDOM")
until_true 30 "a write after the restart reached the replica" replica_has "$id" 1
say "passed"
