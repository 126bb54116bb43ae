#!/usr/bin/env bash
# outbox-relay drain benchmark against a ceiling measured in the same run:
#   1. fill a throwaway database with ROWS outbox rows shaped like the API's;
#   2. ceiling: bench/raw-producer sends the same messages with the relay's
#      producer settings and no database in the loop;
#   3. outbox-relay --once drains the backlog (publish AND mark); its RSS is
#      sampled every second.
# Uses the dev PostgreSQL and Kafka (starts the dev stack if needed).
# The same drain through the replication slot (--source wal): bench/relay/wal.sh.
#   [RELAY_LOG_LEVEL=debug] bench/relay/run.sh [ROWS=1000000] [extra outbox-relay flags...]
# (debug logs the time of each batch's phases: read, produce, acks, mark)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows=${1:-1000000}
shift || true

source "$root/setup/lib/stack.sh"
load_profile dev
pg_ready || "$root/setup/dev-startup.sh" >/dev/null
# Each process logs in with its own role (setup/lib/pg_roles.sh); the
# script's own SQL stays superuser.
pg_export_passfile
build_dir=$("$root/setup/build.sh" | tail -n 1)
admin="$build_dir/src/admin/pipeline-admin"
db_url="$PG_URL_BASE/bench_relay"
crud_topic=BENCH-RELAY-UPDATES
mail_topic=BENCH-RELAY-NOTIFICATION

psql_admin -d postgres -c "DROP DATABASE IF EXISTS bench_relay WITH (FORCE)" -c "CREATE DATABASE bench_relay" >/dev/null
"$admin" migrate --database-url "$db_url" --dir "$root/sql/customers" >/dev/null
"$admin" delete-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" >/dev/null
"$admin" create-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" >/dev/null

log "filling bench_relay with $rows outbox rows"
psql_admin -d bench_relay -v ON_ERROR_STOP=1 -v rows="$rows" -v customers=100000 \
  -v crud_topic="$crud_topic" -v mail_topic="$mail_topic" -f "$here/fill.sql" >/dev/null
psql_admin -d bench_relay -c "ANALYZE outbox" >/dev/null
avg_bytes=$(psql_admin -d bench_relay -tAc "SELECT round(avg(octet_length(payload::text))) FROM outbox")

log "ceiling: raw producer"
ceiling=$("$build_dir/bench/raw-producer" "$db_url" "$KAFKA_BROKERS")

log "outbox-relay --once $*"
rss_log=$(mktemp)
start=$(date +%s.%N)
"$build_dir/src/outbox/outbox-relay" --once --database-url "$(pg_local_url outbox_relay bench_relay)" --brokers "$KAFKA_BROKERS" \
  --metrics-address "" --log-level "${RELAY_LOG_LEVEL:-warn}" "$@" &
relay_pid=$!
while kill -0 "$relay_pid" 2>/dev/null; do
  awk '/VmRSS/ {print $2}' "/proc/$relay_pid/status" 2>/dev/null >>"$rss_log" || true
  sleep 1
done
wait "$relay_pid"
end=$(date +%s.%N)
unpublished=$(psql_admin -d bench_relay -tAc "SELECT count(*) FROM outbox WHERE published_at IS NULL")
[ "$unpublished" = 0 ] || die "$unpublished rows left unpublished"

seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
rate=$(awk -v n="$rows" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
ceiling_rate=$(echo "$ceiling" | sed -E 's/.*rate=([0-9]+).*/\1/')
# The first sample is taken while the process is still starting.
rss=$(tail -n +2 "$rss_log" | sort -n | awk 'NR == 1 {min = $1} {max = $1} END {printf "%d-%d", min / 1024, max / 1024}')
rm -f "$rss_log"

cat <<RESULT
# outbox-relay drain: $rows rows (avg payload $avg_bytes bytes), $(nproc) cores, $(date -u +%FT%TZ)
| measure | relay (publish + mark) | ceiling (raw producer, no DB) | ratio | target |
|---|---|---|---|---|
| events/s | $rate | $ceiling_rate | $(awk -v a="$rate" -v b="$ceiling_rate" 'BEGIN { printf "%.0f%%", 100 * a / b }') | >= 50,000/s |

Drain time ${seconds}s; relay RSS during the drain (min-max, sampled each second): $rss MB (target < 100 MB, flat)
Raw producer: $ceiling
RESULT
