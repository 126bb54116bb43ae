#!/usr/bin/env bash
# Steady state through the whole pipeline at a fixed write rate:
#   - commit-to-broker-ack latency (outbox created_at -> delivery report), p50/p99,
#     from the relay's histogram, with LISTEN/NOTIFY (the default), with
#     adaptive polling only, and reading the WAL (--source wal);
#   - the relay's query rate against the database while nothing is written
#     (counts every transaction of the database: in the second phase that
#     includes autovacuum catching up after the first phase's writes);
#   - commit-to-replica-applied latency (event_ts -> applied), p50/p99, from
#     the replication worker's histogram.
# Runs its own API, relay and replication worker on throwaway databases and
# topics of the dev PostgreSQL and Kafka (starts the dev stack if needed).
#   bench/pipeline/steady.sh [RATE=1000] [SECONDS=30]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rate=${1:-1000}
seconds=${2:-30}
api_port=18190 relay_port=18191 worker_port=18192

source "$root/setup/lib/stack.sh"
source "$root/bench/lib.sh"
bench_begin
crud_topic=BENCH-PIPE-UPDATES mail_topic=BENCH-PIPE-NOTIFICATION

# A slot of an earlier run's WAL phase would block DROP DATABASE.
psql_admin -d postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
  WHERE database = 'bench_pipeline'" >/dev/null
for db in bench_pipeline bench_pipeline_replica; do
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
done
"$admin" migrate --database-url "$PG_URL_BASE/bench_pipeline" --dir "$root/sql/customers" >/dev/null
"$admin" migrate --database-url "$PG_URL_BASE/bench_pipeline_replica" --dir "$root/sql/replica" >/dev/null
"$admin" delete-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" >/dev/null
"$admin" create-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" >/dev/null

start() { bench_start "$@" --log-level warn; }  # NAME COMMAND...

pg_export_passfile  # each process logs in as its own role
start api "$build_dir/src/api/customer-api" --database-url "$(pg_role_url customer_api bench_pipeline)" \
  --listen "127.0.0.1:$api_port" --allow-unauthenticated --crud-topic "$crud_topic" --notification-topic "$mail_topic"
start worker "$build_dir/src/workers/replication/replication-worker" \
  --replica-database-url "$(pg_role_url replication_worker bench_pipeline_replica)" --brokers "$KAFKA_BROKERS" \
  --topic "$crud_topic" --group-id "bench-$(date +%s)" --metrics-address "127.0.0.1:$worker_port"
wait_for "customer-api" 10 curl -sf "http://127.0.0.1:$api_port/readyz" || die "customer-api did not start ($work/api.log)"
wait_for "replication-worker" 10 curl -sf "http://127.0.0.1:$worker_port/healthz" ||
  die "replication-worker did not start: $(tail -3 "$work/worker.log")"

slot_streaming() {
  [ "$(psql_admin -d postgres -tAc "SELECT active AND confirmed_flush_lsn IS NOT NULL
    FROM pg_replication_slots WHERE slot_name = 'bench_pipeline'")" = t ]
}

# phase NAME [relay flags...]: idle query rate, then latency under load.
phase() {
  local name=$1; shift
  start relay "$build_dir/src/outbox/outbox-relay" --database-url "$(pg_local_url outbox_relay bench_pipeline)" \
    --brokers "$KAFKA_BROKERS" --metrics-address "127.0.0.1:$relay_port" "$@"
  wait_for "outbox-relay" 10 curl -sf "http://127.0.0.1:$relay_port/healthz" || die "outbox-relay did not start"
  if [[ " $* " == *" --source wal "* ]]; then
    # Rows committed before the new slot is consistent are not streamed
    # (src/outbox/README.md): write only once it is.
    wait_for "replication slot" 120 slot_streaming || die "the relay's slot did not become consistent"
  fi
  # After a phase's writes, vacuum now so that autovacuum does not count as
  # relay queries. Not before the first: statistics taken of empty tables make
  # the planner misjudge them until autoanalyze catches up.
  if [ "$(psql_admin -d bench_pipeline -tAc "SELECT EXISTS (SELECT 1 FROM outbox)")" = t ]; then
    psql_admin -d bench_pipeline -c "VACUUM ANALYZE" >/dev/null
  fi
  sleep 5  # let the vacuum's own statistics settle
  local before after
  before=$(transactions bench_pipeline); sleep 10; after=$(transactions bench_pipeline)
  local idle_qps=$(((after - before) / 10))

  scrape "http://127.0.0.1:$relay_port/metrics" >"$work/relay.before"
  scrape "http://127.0.0.1:$worker_port/metrics" >"$work/worker.before"
  local writer
  writer=$("$build_dir/bench/paced-writer" "http://127.0.0.1:$api_port" "$rate" "$seconds" 8)
  # The database, not the relay's backlog gauge (refreshed every 5 s), says when all is published.
  wait_for "outbox drain" 60 bash -c \
    "[ \"\$(PGPASSWORD= psql -h 127.0.0.1 -p $PG_PORT -U postgres -d bench_pipeline -tAc 'SELECT count(*) FROM outbox WHERE published_at IS NULL')\" = 0 ]" ||
    die "the outbox backlog did not drain"
  sleep 1
  scrape "http://127.0.0.1:$relay_port/metrics" >"$work/relay.after"
  scrape "http://127.0.0.1:$worker_port/metrics" >"$work/worker.after"
  bench_stop relay

  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" \
    "$(echo "$writer" | sed -E 's/.*rate=([0-9]+).*/\1/')" \
    "$(histogram_quantile 0.5 outbox_commit_to_ack_seconds "$work/relay.before" "$work/relay.after")" \
    "$(histogram_quantile 0.99 outbox_commit_to_ack_seconds "$work/relay.before" "$work/relay.after")" \
    "$(histogram_quantile 0.5 replication_apply_latency_seconds "$work/worker.before" "$work/worker.after")" \
    "$(histogram_quantile 0.99 replication_apply_latency_seconds "$work/worker.before" "$work/worker.after")" \
    "$idle_qps"
  echo "$name writer: $writer" >>"$work/writers"
}

echo "# pipeline steady state: $rate writes/s offered for ${seconds}s, $(nproc) cores, $(date -u +%FT%TZ)"
echo "| relay wake-up | writes/s | commit→ack p50 ms | commit→ack p99 ms | commit→replica p50 ms | commit→replica p99 ms | idle relay queries/s |"
echo "|---|---|---|---|---|---|---|"
phase "polling + LISTEN/NOTIFY (default)"
phase "adaptive polling only" --no-listen-notify
phase "WAL slot (--source wal)" --source wal --slot bench_pipeline
cat "$work/writers"
