# What every runbook drill shares (tests/runbook/README.md). Source it from a
# drill; it expects the test stack's env file to be loaded (setup/run-tests.sh
# does that) and the stack's four processes started by the fixture.
# shellcheck shell=bash
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNBOOK="$PROJECT_ROOT/docs/RUNBOOK.md"
: "${OUTBOX_VAR_DIR:?load the test stack first: source var/test/env}"
: "${OUTBOX_BUILD_DIR:?the env file names the build (setup/test-startup.sh writes it)}"
DRILL_NAME=$(basename "$0" .sh)
BLOCK_OUTPUT=""

say() { printf '[%s] %s: %s\n' "$(date +%H:%M:%S)" "$DRILL_NAME" "$*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}

# runbook_block ID: the text of the fenced block tagged `runbook=ID`.
runbook_block() {
  awk -v id="$1" '
    /^ *```/ {
      if (open) { open = 0; target = 0; next }
      open = 1
      target = ($0 ~ ("runbook=" id "( |$)"))
      if (target) found = 1
      next
    }
    open && target { print }
    END { exit found ? 0 : 1 }' "$RUNBOOK" || fail "docs/RUNBOOK.md has no block tagged runbook=$1"
}

# run_block ID: runs the runbook's prelude and then block ID as written, in a
# fresh bash from the project root, the way the person on call pastes them.
# One substitution: the dev stack's env file becomes this stack's. Sets
# BLOCK_OUTPUT (stdout and stderr) and returns the block's exit status.
run_block() {
  local id=$1 script status=0
  script="$(runbook_block prelude)"$'\n'"$(runbook_block "$id")"
  script=${script//var\/dev\//$OUTBOX_VAR_DIR\/}
  say "running runbook block '$id'"
  BLOCK_OUTPUT=$(cd "$PROJECT_ROOT" && bash -euo pipefail -c "$script" 2>&1) || status=$?
  printf '%s\n' "$BLOCK_OUTPUT" | sed "s/^/    [$id] /" >&2
  return "$status"
}

# expect_block ID: run_block that must succeed.
expect_block() { run_block "$1" || fail "runbook block '$1' exited non-zero"; }

# expect_output TEXT: the last block's output contains TEXT.
expect_output() {
  grep -qF -- "$1" <<<"$BLOCK_OUTPUT" || fail "the output of the last block lacks '$1'"
}

# until_true SECONDS WHAT COMMAND...: retries COMMAND until it succeeds.
until_true() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$what: not within $seconds s"
    sleep 0.5
  done
  say "$what"
}

# The stack as the fixture left it: services and the four processes up and
# ready. Each drill starts from here, whatever the drill before it did.
stack_healthy() {
  local service
  for service in postgres kafka smtp; do
    "$PROJECT_ROOT/setup/service.sh" test start "$service" >/dev/null 2>&1
  done
  "$PROJECT_ROOT/setup/startup.sh" test "$OUTBOX_BUILD_DIR" >/dev/null 2>&1
  for url in "$API_URL" "$RELAY_STATUS_URL" "$REPLICATION_STATUS_URL" "$NOTIFICATION_STATUS_URL"; do
    until_true 30 "$url is ready" curl -sf "$url/readyz"
  done
  # A row an earlier drill left parked would hold its customer's rows.
  source_sql "UPDATE outbox SET skipped_at = now(), skipped_by = 'runbook drill',
      skip_reason = 'left parked by an earlier drill'
    WHERE parked_at IS NOT NULL AND published_at IS NULL AND skipped_at IS NULL"
  until_true 60 "nothing waits in the outbox" backlog_is_zero
  # A drill that failed may have left the replica different: repair it, so
  # the next drill's verify judges only its own fault.
  env DATABASE_URL="$API_DATABASE_URL" REPLICA_DATABASE_URL="$REPLICATION_WORKER_DATABASE_URL" \
    "$OUTBOX_BUILD_DIR/src/workers/replication/replication-worker" verify --repair >/dev/null 2>&1 ||
    say "the replica differed from the source before the drill; repaired"
}

# kill_hard NAME: kill -9 of one of the stack's processes, through its pid file.
kill_hard() {
  local pid
  pid=$(cat "$OUTBOX_VAR_DIR/run/$1.pid")
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  say "killed $1 (pid $pid) with -9"
}

sql() { psql -qtAX -v ON_ERROR_STOP=1 "$1" -c "$2"; }
source_sql() { sql "$DATABASE_URL" "$1"; }
replica_sql() { sql "$REPLICA_DATABASE_URL" "$1"; }

# create_customer NAME: POSTs a customer; prints its id.
create_customer() {
  local body
  body=$(curl -sf -X POST "$API_URL/api/customers" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"email\":\"$(address_of "$1")\",\"phone\":\"+15550100\"}") ||
    fail "POST /api/customers for $1 failed"
  sed -E 's/.*"id":([0-9]+).*/\1/' <<<"$body"
}

# rename_customer ID NAME: a PATCH, the customer's next version.
rename_customer() {
  curl -sf -X PATCH "$API_URL/api/customers/$1" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$2\"}" >/dev/null || fail "PATCH /api/customers/$1 failed"
}

# replica_has ID VERSION: the replica holds customer ID at VERSION or later.
replica_has() {
  [ "$(replica_sql "SELECT count(*) FROM customers WHERE id = $1 AND version >= $2")" = 1 ]
}

# metric URL NAME: the value of an unlabelled metric on URL/metrics.
metric() { curl -sf "$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'; }

backlog_is_zero() { [ "$(metric "$RELAY_STATUS_URL" outbox_backlog_rows)" = 0 ]; }

# address_of NAME: the e-mail address create_customer gives NAME.
address_of() { echo "$(tr ' ' . <<<"$1")@example.com"; }
# mails_to ADDRESS: messages the SMTP sink received for ADDRESS.
mails_to() { grep -lF "To: $1" "$SMTP_MAILDIR"/new/* 2>/dev/null | wc -l; }
mail_arrived() { [ "$(mails_to "$1")" -ge 1 ]; }
# expect_mails ADDRESS COUNT: exactly COUNT mails. The first call waits the
# time a second copy would take to come (the worker's next poll).
MAILS_SETTLED=""
expect_mails() {
  [ -n "$MAILS_SETTLED" ] || sleep 2
  MAILS_SETTLED=yes
  [ "$(mails_to "$1")" = "$2" ] || fail "$(mails_to "$1") mails to $1, expected $2"
}
# topic_key_count TOPIC KEY: messages of TOPIC with key KEY.
topic_key_count() { topic_messages "$1" '%k\n' | grep -cx "$2" || true; }

# poison_row CUSTOMER VERSION BYTES: an outbox row for CUSTOMER the relay
# refuses as too large (its own limit, or the broker's); prints its id.
poison_row() {
  source_sql "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id,
      aggregate_version, event_type, payload)
    VALUES ('MICROSERVICE-CUSTOMER-UPDATES', '$1', 'customer', $1, $2, 'customer.updated',
      jsonb_build_object('padding', repeat('x', $3))) RETURNING id"
}

row_parked() { [ "$(source_sql "SELECT parked_at IS NOT NULL FROM outbox WHERE id = $1")" = t ]; }

# topic_messages TOPIC FORMAT: every message of TOPIC, one kcat -f line each.
topic_messages() { kcat -b "$KAFKA_BROKERS" -C -t "$1" -e -q -f "$2" 2>/dev/null; }
