#!/usr/bin/env bash
# The whole pipeline under a sustained write rate: customer-api, outbox-relay,
# replication-worker and notification-worker (to Postfix's smtp-sink) on the
# same machine, RATE writes/s offered for SECONDS by paced-writer (creates and
# updates; each write also asks for an e-mail). Every 10 s it samples the three
# backlogs: unpublished outbox rows, replication consumer lag, and e-mails not
# yet sent (mail events published minus mails sent). The pipeline holds the
# rate when no backlog keeps growing; the last sample is taken after the
# writer stops. Reports the API's POST latency, commit→ack, commit→replica and
# commit→mail-accepted p50/p99 over the run.
# Throwaway databases and topics on the dev PostgreSQL and Kafka.
# BACKGROUND_NICE=0 runs the relay and the workers at the API's priority;
# OUTBOX_NOTIFY=off turns the outbox insert trigger's NOTIFY off.
#   bench/pipeline/sustained.sh [RATE=1000] [SECONDS=300] [CONNECTIONS=8]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rate=${1:-1000}
seconds=${2:-300}
connections=${3:-8}
api_port=18290 relay_port=18291 replica_port=18292 mail_port=18293 sink_port=12527

source "$root/setup/lib/stack.sh"
source "$root/bench/lib.sh"
[ -x /usr/sbin/smtp-sink ] || die "smtp-sink missing: run bench/notification/run.sh once (it installs Postfix)"
bench_begin
run=bench-sus-$$
crud_topic=$run-UPDATES mail_topic=$run-MAIL

for db in bench_sus bench_sus_replica bench_sus_notifications; do
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
done
"$admin" migrate --database-url "$PG_URL_BASE/bench_sus" --dir "$root/sql/customers" >/dev/null
"$admin" migrate --database-url "$PG_URL_BASE/bench_sus_replica" --dir "$root/sql/replica" >/dev/null
"$admin" migrate --database-url "$PG_URL_BASE/bench_sus_notifications" --dir "$root/sql/notifications" >/dev/null
if [ "${OUTBOX_NOTIFY:-on}" = off ]; then  # the insert trigger never notifies
  psql_admin -d bench_sus -c "ALTER DATABASE bench_sus SET outbox.notify = 'off'" >/dev/null
fi
"$admin" create-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" \
  --topic "$mail_topic-RETRY" --topic "$mail_topic-FAILED" >/dev/null

start() { bench_start "$@" --log-level warn; }  # NAME COMMAND...
# The relay and the workers at the dev stack's lower CPU priority (setup/lib/apps.sh).
background() { local name=$1; shift; start "$name" nice -n "${BACKGROUND_NICE:-10}" "$@"; }
bench_start sink /usr/sbin/smtp-sink -u postfix "127.0.0.1:$sink_port" 1024
pg_export_passfile  # each process logs in as its own role
start api "$build_dir/src/api/customer-api" --database-url "$(pg_role_url customer_api bench_sus)" \
  --listen "127.0.0.1:$api_port" --allow-unauthenticated --crud-topic "$crud_topic" --notification-topic "$mail_topic"
background relay "$build_dir/src/outbox/outbox-relay" --database-url "$(pg_local_url outbox_relay bench_sus)" \
  --brokers "$KAFKA_BROKERS" --metrics-address "127.0.0.1:$relay_port"
background replica "$build_dir/src/workers/replication/replication-worker" \
  --replica-database-url "$(pg_role_url replication_worker bench_sus_replica)" --brokers "$KAFKA_BROKERS" \
  --topic "$crud_topic" --group-id "$run-replica" --metrics-address "127.0.0.1:$replica_port"
background mail "$build_dir/src/workers/notification/notification-worker" \
  --database-url "$(pg_role_url notification_worker bench_sus_notifications)" --brokers "$KAFKA_BROKERS" \
  --topic "$mail_topic" --retry-topic "$mail_topic-RETRY" --failed-topic "$mail_topic-FAILED" \
  --group-id "$run-mail" --smtp-url "smtp://127.0.0.1:$sink_port" --smtp-starttls off \
  --metrics-address "127.0.0.1:$mail_port"
for entry in "customer-api:$api_port/readyz" "outbox-relay:$relay_port/readyz" \
  "replication-worker:$replica_port/readyz" "notification-worker:$mail_port/readyz"; do
  wait_for "${entry%%:*}" 30 curl -sf "http://127.0.0.1:${entry#*:}" || die "${entry%%:*} is not ready"
done

metric() { # URL METRIC: the sum of a metric's series (0 when absent)
  { scrape "$1" || true; } | awk -v m="$2" '$1 == m || index($1, m "{") == 1 {v += $2} END {print v + 0}'
}
sample() { # elapsed seconds -> one table row
  local outbox lag mails_published mails_sent
  outbox=$(psql_admin -d bench_sus -tAc "SELECT count(*) FROM outbox WHERE published_at IS NULL")
  lag=$(metric "http://127.0.0.1:$replica_port/metrics" replication_consumer_lag)
  mails_published=$(psql_admin -d bench_sus -tAc \
    "SELECT count(*) FROM outbox WHERE topic = '$mail_topic' AND published_at IS NOT NULL")
  mails_sent=$(metric "http://127.0.0.1:$mail_port/metrics" notification_sent_total)
  # The relay marks a row published after the broker's ack, so the worker can
  # be a few mails ahead of the marks: that counts as no backlog.
  local unsent=$((mails_published - ${mails_sent%.*}))
  printf '| %s | %s | %s | %s |\n' "$1" "$outbox" "${lag%.*}" "$((unsent > 0 ? unsent : 0))"
}

for target in relay replica mail; do
  port_var="${target}_port"
  scrape "http://127.0.0.1:${!port_var}/metrics" >"$work/$target.before"
done
"$build_dir/bench/paced-writer" "http://127.0.0.1:$api_port" "$rate" "$seconds" "$connections" \
  >"$work/writer.out" &
writer_pid=$!
echo "# sustained pipeline: $rate writes/s offered for ${seconds}s over $connections connections, $(nproc) cores, $(date -u +%FT%TZ)"
echo "| s | outbox backlog | replication lag | e-mails not yet sent |"
echo "|---|---|---|---|"
started=$(date +%s)
while kill -0 "$writer_pid" 2>/dev/null; do
  sleep 10
  sample $(($(date +%s) - started))
done
wait "$writer_pid"
sleep 5
sample "$(($(date +%s) - started)) (writer stopped 5 s ago)"
for target in relay replica mail; do
  port_var="${target}_port"
  scrape "http://127.0.0.1:${!port_var}/metrics" >"$work/$target.after"
done
q() { histogram_quantile "$1" "$2" "$work/$3.before" "$work/$3.after"; }
echo
echo "writer: $(cat "$work/writer.out")"
echo "| latency | p50 ms | p99 ms |"
echo "|---|---|---|"
echo "| commit → broker ack | $(q 0.5 outbox_commit_to_ack_seconds relay) | $(q 0.99 outbox_commit_to_ack_seconds relay) |"
echo "| commit → replica | $(q 0.5 replication_apply_latency_seconds replica) | $(q 0.99 replication_apply_latency_seconds replica) |"
echo "| commit → e-mail accepted | $(q 0.5 notification_commit_to_sent_seconds mail) | $(q 0.99 notification_commit_to_sent_seconds mail) |"
# The consumers go before their topics: a consumer whose topics were
# deleted under it waits 5 s in its shutdown (src/core/kafka/consumer.cpp).
for name in mail replica relay api; do bench_stop "$name"; done
"$admin" delete-topics --brokers "$KAFKA_BROKERS" --topic "$crud_topic" --topic "$mail_topic" \
  --topic "$mail_topic-RETRY" --topic "$mail_topic-FAILED" >/dev/null 2>&1 || true
