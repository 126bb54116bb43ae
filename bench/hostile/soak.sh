#!/usr/bin/env bash
# Hostile soak: valid writes through the API while malformed HTTP requests hit
# the API and malformed messages land on the CRUD, notification and retry
# topics. Ends with what must hold: no process died, no 5xx from the API,
# the replica equals the source (verify exits 0), and every malformed message
# is in the DLQ or FAILED topic with its reason.
# Runs its own API, relay and both workers (release build) on throwaway
# databases and topics of the dev PostgreSQL and Kafka (starts the dev stack if
# needed), with a discarding SMTP sink on its own port. Loopback only.
# The valid rate stays below what one notification worker sends (~40 mails/s
# on this machine, bench/RESULTS.md), or the e-mail backlog outlasts the soak.
#   bench/hostile/soak.sh [SECONDS=600] [VALID_WRITES_PER_S=20] [HOSTILE_PER_S=40]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds=${1:-600}
valid_rate=${2:-20}
hostile_rate=${3:-40}
api_port=18290 relay_port=18291 replication_port=18292 notification_port=18293 smtp_port=18294

source "$root/setup/lib/stack.sh"
source "$root/bench/lib.sh"
bench_begin
crud=BENCH-HOSTILE-UPDATES mail=BENCH-HOSTILE-NOTIFICATION
topics=("$crud" "$crud-DLQ" "$mail" "$mail-RETRY" "$mail-FAILED")

for db in bench_hostile bench_hostile_replica bench_hostile_notifications; do
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
done
"$admin" migrate --database-url "$PG_URL_BASE/bench_hostile" --dir "$root/sql/customers" >/dev/null
"$admin" migrate --database-url "$PG_URL_BASE/bench_hostile_replica" --dir "$root/sql/replica" >/dev/null
"$admin" migrate --database-url "$PG_URL_BASE/bench_hostile_notifications" --dir "$root/sql/notifications" >/dev/null
topic_flags=()
for t in "${topics[@]}"; do topic_flags+=(--topic "$t"); done
"$admin" delete-topics --brokers "$KAFKA_BROKERS" "${topic_flags[@]}" >/dev/null
"$admin" create-topics --brokers "$KAFKA_BROKERS" "${topic_flags[@]}" >/dev/null

alive() { kill -0 "$(cat "$work/$1.pid")" 2>/dev/null; }

bench_start smtp /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Sink
pg_export_passfile  # each process logs in as its own role
bench_start api "$build_dir/src/api/customer-api" --database-url "$(pg_role_url customer_api bench_hostile)" \
  --listen "127.0.0.1:$api_port" --allow-unauthenticated --crud-topic "$crud" --notification-topic "$mail" --log-level warn
bench_start relay "$build_dir/src/outbox/outbox-relay" --database-url "$(pg_local_url outbox_relay bench_hostile)" \
  --brokers "$KAFKA_BROKERS" --metrics-address "127.0.0.1:$relay_port" --log-level warn
bench_start replication "$build_dir/src/workers/replication/replication-worker" \
  --replica-database-url "$(pg_role_url replication_worker bench_hostile_replica)" --brokers "$KAFKA_BROKERS" \
  --topic "$crud" --dlq-topic "$crud-DLQ" --group-id "bench-hostile-$(date +%s)" \
  --metrics-address "127.0.0.1:$replication_port" --log-level warn
bench_start notification "$build_dir/src/workers/notification/notification-worker" \
  --database-url "$(pg_role_url notification_worker bench_hostile_notifications)" --brokers "$KAFKA_BROKERS" \
  --topic "$mail" --retry-topic "$mail-RETRY" --failed-topic "$mail-FAILED" \
  --group-id "bench-hostile-$(date +%s)" --smtp-url "smtp://127.0.0.1:$smtp_port" \
  --metrics-address "127.0.0.1:$notification_port" --log-level warn
for p in "$api_port/readyz" "$relay_port/healthz" "$replication_port/healthz" "$notification_port/healthz"; do
  wait_for "127.0.0.1:$p" 15 curl -sf "http://127.0.0.1:$p" || die "a process did not start: $(tail -n 3 "$work"/*.log)"
done

log "soak: ${seconds}s, $valid_rate valid writes/s and $hostile_rate hostile requests or messages/s"
"$build_dir/bench/paced-writer" "http://127.0.0.1:$api_port" "$valid_rate" "$seconds" 4 >"$work/valid.out" &
writer=$!
hostile=$("$build_dir/bench/hostile-client" send "http://127.0.0.1:$api_port" "$KAFKA_BROKERS" \
  "$crud" "$mail" "$mail-RETRY" "$hostile_rate" "$seconds")
wait "$writer"

log "waiting for the pipeline to drain"
wait_for "outbox drain" 120 bash -c \
  "[ \"\$(PGPASSWORD= psql -h 127.0.0.1 -p $PG_PORT -U postgres -d bench_hostile -tAc 'SELECT count(*) FROM outbox WHERE published_at IS NULL')\" = 0 ]" ||
  die "the outbox did not drain"
lag_zero() { scrape "http://127.0.0.1:$replication_port/metrics" | awk '/^replication_consumer_lag\{/ {s += $2} END {exit !(NR > 0 && s == 0)}'; }
wait_for "replication lag 0" 120 lag_zero || die "the replication worker did not catch up"
# Every notification event handled: sent, failed or skipped, one per mail
# outbox row plus one per hostile notification message.
mails_expected=$(( $(psql_admin -d bench_hostile -tAc "SELECT count(*) FROM outbox WHERE topic = '$mail'") +
  $(echo "$hostile" | sed -E 's/.*mail_messages=([0-9]+).*/\1/') ))
mails_handled() {
  scrape "http://127.0.0.1:$notification_port/metrics" | awk -v want="$mails_expected" '
    /^notification_sent_total / || /^notification_failed_total\{/ || /^notification_duplicates_skipped_total / {s += $2}
    END {exit !(s >= want)}'
}
wait_for "notification drain ($mails_expected events)" 900 mails_handled ||
  log "the notification worker did not handle every event in 15 minutes"

died=0
for name in api relay replication notification; do alive "$name" || { died=$((died + 1)); log "$name DIED: $(tail -n 5 "$work/$name.log")"; }; done
api_5xx=$(scrape "http://127.0.0.1:$api_port/metrics" | awk '/^http_requests_total\{/ && /status="5/ {s += $2} END {print s + 0}')
verify_out=$("$build_dir/src/workers/replication/replication-worker" verify \
  --source-database-url "$(pg_role_url customer_api bench_hostile)" \
  --replica-database-url "$(pg_role_url replication_worker bench_hostile_replica)" | tail -n 1) && verify_rc=0 || verify_rc=$?
dlq=$("$build_dir/bench/hostile-client" count "$KAFKA_BROKERS" "$crud-DLQ")
failed=$("$build_dir/bench/hostile-client" count "$KAFKA_BROKERS" "$mail-FAILED")
rss() { awk '/VmRSS/ {print int($2 / 1024) " MB"}' "/proc/$(cat "$work/$1.pid")/status" 2>/dev/null || echo "-"; }

field() { echo "$1" | sed -E "s/.*$2=([0-9]+).*/\1/"; }
crud_sent=$(field "$hostile" crud_messages)
mail_sent=$(field "$hostile" mail_messages)
echo "# hostile soak: ${seconds}s on $(nproc) cores, $(date -u +%FT%TZ)"
echo "valid writes:   $(cat "$work/valid.out")"
echo "hostile sent:   $hostile"
echo "processes died: $died (RSS at the end: api $(rss api), relay $(rss relay), replication $(rss replication), notification $(rss notification))"
echo "API 5xx:        $api_5xx"
echo "verify:         exit $verify_rc: $verify_out"
echo "DLQ:            $dlq (hostile CRUD messages sent: $crud_sent)"
echo "FAILED:         $failed (hostile notification messages sent: $mail_sent)"
ok=1
[ "$died" -eq 0 ] && [ "$api_5xx" -eq 0 ] && [ "$verify_rc" -eq 0 ] || ok=0
[ "$(field "$dlq" with_reason)" -eq "$crud_sent" ] && [ "$(field "$dlq" messages)" -eq "$crud_sent" ] || ok=0
[ "$(field "$failed" with_reason)" -eq "$mail_sent" ] && [ "$(field "$failed" messages)" -eq "$mail_sent" ] || ok=0
[ "$(field "$hostile" http_5xx)" -eq 0 ] && [ "$(field "$hostile" http_other)" -eq 0 ] || ok=0
if [ "$ok" -eq 1 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; exit 1; fi
