#!/usr/bin/env bash
# outbox-relay drain through the replication slot (--source wal), beside the
# polling drain of the same rows and the raw-producer ceiling, all in one run:
#   1. a throwaway database bench_relay_wal, migrated; the slot is created
#      (as superuser) BEFORE the fill, so every row is in it;
#   2. ROWS outbox rows shaped like the API's (fill.sql), committed PER_TX rows
#      per transaction (default 2: one customer change, its CRUD and its
#      notification event, per transaction, as the API commits them; the
#      relay never splits a transaction, so one huge transaction would be one
#      huge batch); then pg_current_wal_insert_lsn() is recorded: the end of
#      the last fill transaction (its commit is synchronous, which flushes
#      all the asynchronous ones before it). A position past it (an empty
#      transaction, say) would be confirmed only from a keepalive, which the
#      walsender sends once it has read the marks' WAL too: 2 s later;
#   3. ceilings: bench/raw-producer sends the same messages with the relay's
#      producer settings and no database in the loop; and the walsender
#      alone: pg_recvlogical streams a second slot, created beside the first,
#      to the same position, over the relay's own kind of connection (the
#      Unix socket when the stack has one), to /dev/null;
#   4. the database is cloned (CREATE DATABASE ... STRATEGY FILE_COPY: no WAL
#      for the copy) into bench_relay_poll, for the polling drain;
#   5. the outbox-relay daemon with --source wal (it refuses --once) drains
#      bench_relay_wal; the clock stops when the slot's confirmed_flush_lsn
#      has reached the recorded LSN AND no row is left unpublished (checked
#      every 0.1 s, on one session); its RSS is sampled every second; then it is stopped;
#   6. outbox-relay --once (polling) drains the clone, as bench/relay/run.sh.
# Uses the dev PostgreSQL and Kafka (starts the dev stack if needed).
#   [RELAY_LOG_LEVEL=debug] bench/relay/wal.sh [ROWS=1000000] [PER_TX=2] [extra outbox-relay flags...]
# (debug logs the time of each batch's phases: read, produce, acks, mark; the
# logs are kept in $work only while the script runs, so set RELAY_LOG_DIR to keep them)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows=${1:-1000000}
per_tx=${2:-2}
shift 2 || shift $# || true

source "$root/setup/lib/stack.sh"
source "$root/bench/lib.sh"
bench_begin
pg_export_passfile # each process logs in as its own role; the script's own SQL stays superuser
wal_db=bench_relay_wal poll_db=bench_relay_poll slot=bench_relay_wal bare_slot=bench_relay_bare
crud_topic=BENCH-RELAY-UPDATES mail_topic=BENCH-RELAY-NOTIFICATION
log_dir=${RELAY_LOG_DIR:-$work}
mkdir -p "$log_dir"

drop_slot() {
  psql_admin -d postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
    WHERE slot_name IN ('$slot', '$bare_slot')" >/dev/null
}
# A slot left behind would keep WAL forever and block DROP DATABASE.
drop_slot
trap 'bench_cleanup; drop_slot || true' EXIT
for db in $wal_db $poll_db; do
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
done
psql_admin -d postgres -c "CREATE DATABASE $wal_db" >/dev/null
"$admin" migrate --database-url "$PG_URL_BASE/$wal_db" --dir "$root/sql/customers" >/dev/null
"$admin" delete-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" >/dev/null
"$admin" create-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" >/dev/null
psql_admin -d "$wal_db" -c "SELECT pg_create_logical_replication_slot('$slot', 'pgoutput'),
  pg_create_logical_replication_slot('$bare_slot', 'pgoutput')" >/dev/null

log "filling $wal_db with $rows outbox rows, $per_tx per transaction"
fill_start=$(date +%s)
psql_admin -d "$wal_db" -v rows="$rows" -v customers=100000 -v per_tx="$per_tx" \
  -v crud_topic="$crud_topic" -v mail_topic="$mail_topic" -f "$here/fill.sql" >/dev/null
target_lsn=$(psql_admin -d "$wal_db" -tAc "SELECT pg_current_wal_insert_lsn()")
fill_seconds=$(($(date +%s) - fill_start))
psql_admin -d "$wal_db" -c "ANALYZE outbox" >/dev/null
read -r avg_bytes transactions slot_bytes < <(psql_admin -d "$wal_db" -F ' ' -tAc "
  SELECT round(avg(octet_length(payload::text))), count(DISTINCT xmin::text),
         pg_wal_lsn_diff('$target_lsn', (SELECT restart_lsn FROM pg_replication_slots WHERE slot_name = '$slot'))
    FROM outbox")
log "filled in ${fill_seconds}s: $transactions transactions, WAL to stream $((slot_bytes / 1048576)) MB, up to $target_lsn"

log "ceiling: raw producer"
ceiling=$("$build_dir/bench/raw-producer" "$PG_URL_BASE/$wal_db" "$KAFKA_BROKERS")
ceiling_rate=$(echo "$ceiling" | sed -E 's/.*rate=([0-9]+).*/\1/')

log "ceiling: the walsender alone (pg_recvlogical${PG_SOCKET_DIR:+, over the Unix socket})"
bare_start=$(date +%s.%N)
pg_recvlogical -h "${PG_SOCKET_DIR:-127.0.0.1}" -p "$PG_PORT" -U postgres -d "$wal_db" --slot "$bare_slot" \
  --start --endpos "$target_lsn" -o proto_version=1 -o publication_names=outbox_inserts \
  --no-loop -s 10 -F 0 -f /dev/null
bare_rate=$(awk -v n="$rows" -v a="$bare_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", n / (b - a) }')
psql_admin -d postgres -c "SELECT pg_drop_replication_slot('$bare_slot')" >/dev/null

log "cloning $wal_db into $poll_db for the polling drain"
psql_admin -d postgres -c "CREATE DATABASE $poll_db TEMPLATE $wal_db STRATEGY FILE_COPY" >/dev/null

# drain NAME DB DONE_CHECK RELAY_FLAGS...: runs outbox-relay until it exits
# (--once), or until the SQL DONE_CHECK (run in DB every 0.1 s; it answers
# "published|confirmed", t or f each) says t|t. Prints "seconds
# seconds_until_published rss_min-rss_max".
drain() {
  local name=$1 db=$2 done_check=$3
  shift 3
  local rss_log="$work/$name.rss" start end published="" state tick=0 pid
  : >"$rss_log"
  # One session answers every check: a psql per check costs a fork and a
  # login, a second or more on a loaded machine.
  if [ -n "$done_check" ]; then
    coproc CHECK { psql_admin -d "$db" -tA 2>&1; }
  fi
  start=$(date +%s.%N)
  "$build_dir/src/outbox/outbox-relay" --database-url "$(pg_local_url outbox_relay "$db")" \
    --brokers "$KAFKA_BROKERS" --metrics-address "" --log-level "${RELAY_LOG_LEVEL:-warn}" "$@" \
    >"$log_dir/relay-$name.log" 2>&1 &
  pid=$!
  bench_pids+=("$pid")
  while kill -0 "$pid" 2>/dev/null; do
    if [ -n "$done_check" ]; then
      echo "$done_check;" >&"${CHECK[1]}"
      read -r state <&"${CHECK[0]}"
      [ -z "$published" ] && [ "${state%|*}" = t ] && published=$(date +%s.%N)
      [ "$state" = "t|t" ] && break
    fi
    if ((tick++ % 10 == 0)); then
      awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null >>"$rss_log" || true
    fi
    sleep 0.1
  done
  end=$(date +%s.%N)
  if [ -n "$done_check" ]; then
    exec {CHECK[1]}>&-
    wait "$CHECK_PID" || true
    kill "$pid" 2>/dev/null || die "outbox-relay ($name) ended early: $(tail -3 "$log_dir/relay-$name.log")"
  fi
  wait "$pid" || [ -n "$done_check" ] || die "outbox-relay ($name) failed: $(tail -3 "$log_dir/relay-$name.log")"
  local unpublished
  unpublished=$(psql_admin -d "$db" -tAc "SELECT count(*) FROM outbox WHERE published_at IS NULL")
  [ "$unpublished" = 0 ] || die "$name: $unpublished rows left unpublished"
  # The first sample is taken while the process is still starting.
  local rss
  rss=$(tail -n +2 "$rss_log" | sort -n | awk 'NR == 1 {min = $1} {max = $1} END {printf "%d-%d", min / 1024, max / 1024}')
  awk -v a="$start" -v b="$end" -v p="${published:-$end}" -v rss="$rss" \
    'BEGIN { printf "%.2f %.2f %s\n", b - a, p - a, rss }'
}

# The unpublished-rows index (partial, so cheap) and the slot's position.
wal_done="SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL),
  (SELECT confirmed_flush_lsn >= '$target_lsn' FROM pg_replication_slots WHERE slot_name = '$slot')"
log "outbox-relay --source wal $*"
drain wal "$wal_db" "$wal_done" --source wal --slot "$slot" "$@" >"$work/wal.result"
read -r wal_seconds wal_published_seconds wal_rss <"$work/wal.result"
log "outbox-relay --once (polling) $*"
drain poll "$poll_db" "" --once "$@" >"$work/poll.result"
read -r poll_seconds _ poll_rss <"$work/poll.result"

rate() { awk -v n="$rows" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$ceiling_rate" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
wal_rate=$(rate "$wal_seconds") poll_rate=$(rate "$poll_seconds")
cat <<RESULT
# outbox-relay drain: $rows rows in $transactions transactions (avg payload $avg_bytes bytes), $(nproc) cores, $(date -u +%FT%TZ)
| source | events/s published (and confirmed) | ratio to the ceiling | drain s | relay RSS MB (min-max, each second) | target |
|---|---|---|---|---|---|
| --source wal (slot to $target_lsn) | $wal_rate | $(ratio "$wal_rate") | $wal_seconds | $wal_rss | >= 100,000/s |
| polling (--once) | $poll_rate | $(ratio "$poll_rate") | $poll_seconds | $poll_rss | >= 50,000/s |
| ceiling: raw producer, no DB | $ceiling_rate | 100% | | | |
| ceiling: the walsender alone (pg_recvlogical to /dev/null) | $bare_rate | $(ratio "$bare_rate") | | | |

--source wal / the walsender alone: $(awk -v a="$wal_rate" -v b="$bare_rate" 'BEGIN { printf "%.0f%%", 100 * a / b }')
--source wal: every row published after ${wal_published_seconds}s, the slot confirmed to the fill's end after ${wal_seconds}s (the figure above).
WAL streamed: $((slot_bytes / 1048576)) MB; fill ${fill_seconds}s
Raw producer: $ceiling
RESULT
