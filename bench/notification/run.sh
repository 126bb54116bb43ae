#!/usr/bin/env bash
# notification-worker throughput and memory against a fast SMTP sink:
#   - ceiling: Postfix's smtp-source sending the same number of mails of the
#     same size to the same smtp-sink, with as many sessions as the worker;
#   - the worker: MAILS notification events (produced beforehand by
#     mail-flood) sent by one notification-worker process; mails/s from its
#     first sent mail to its last, RSS sampled every 0.5 s, database
#     transactions per mail (pg_stat_database of its own database).
# Uses the dev stack (started if needed), a throwaway database
# bench_notifications and throwaway topics.
#   bench/notification/run.sh [MAILS=20000] [SESSIONS=8] [extra worker flags...]
# BENCH_SMTP_URL=smtp://127.0.0.1:2525 sends to another server instead (the
# dev stack's aiosmtpd, which keeps every mail); the ceiling stays smtp-sink's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mails=${1:-20000}
sessions=${2:-8}
shift $(($# > 2 ? 2 : $#))
sink_port=12526
metrics_port=19476

source "$root/setup/lib/stack.sh"
source "$root/bench/lib.sh"
if ! command -v smtp-sink >/dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
  log "installing postfix for smtp-sink and smtp-source (not configured, not started)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postfix >/dev/null
fi
bench_begin
ninja -C "$build_dir" mail-flood >/dev/null
flood="$build_dir/bench/mail-flood"
worker="$build_dir/src/workers/notification/notification-worker"

# The sink: accepts everything, keeps nothing, announces PIPELINING.
bench_start smtp-sink /usr/sbin/smtp-sink -u postfix "127.0.0.1:$sink_port" 1024
wait_for "smtp-sink" 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$sink_port" || die "smtp-sink did not start"

# The ceiling: smtp-source, same count, size and sessions.
size=1500  # about the MIME text the worker composes for a mail-flood event
started=$(date +%s.%N)
/usr/sbin/smtp-source -s "$sessions" -m "$mails" -l "$size" -f notifications@localhost \
  -t customer@example.com "127.0.0.1:$sink_port"
ceiling=$(awk -v n="$mails" -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", n / (e - s)}')

# The worker's database and topics.
run=bench$$
db_url="$PG_URL_BASE/bench_notifications"
psql_admin -d postgres -c "DROP DATABASE IF EXISTS bench_notifications WITH (FORCE)" \
  -c "CREATE DATABASE bench_notifications" >/dev/null
"$admin" migrate --database-url "$db_url" --dir "$root/sql/notifications" >/dev/null
"$admin" create-topics --brokers "$KAFKA_BROKERS" --topic "$run-mail" --topic "$run-retry" \
  --topic "$run-failed" >/dev/null
"$flood" "$KAFKA_BROKERS" "$run-mail" "$mails" >"$work/flood.out"

xacts_before=$(transactions bench_notifications)
pg_export_passfile  # the worker logs in as notification_worker
bench_start worker "$worker" --database-url "$(pg_role_url notification_worker bench_notifications)" --brokers "$KAFKA_BROKERS" \
  --topic "$run-mail" --retry-topic "$run-retry" --failed-topic "$run-failed" --group-id "$run" \
  --smtp-url "${BENCH_SMTP_URL:-smtp://127.0.0.1:$sink_port}" --smtp-starttls off \
  --metrics-address "127.0.0.1:$metrics_port" --log-level warn "$@"
pid=$(cat "$work/worker.pid")
sent() { { scrape "http://127.0.0.1:$metrics_port/metrics" || true; } | awk '$1 == "notification_sent_total" {print $2; f=1} END {if (!f) print 0}'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
first=""; rss_first=""; rss_max=0; rss_10=""; rss_50=""; rss_90=""
deadline=$(( $(date +%s) + 600 ))
while :; do
  kill -0 "$pid" 2>/dev/null || die "notification-worker exited: $(tail -n 5 "$work/worker.log")"
  n=$(sent)
  now=$(date +%s.%N)
  rss=$(rss_kb)
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  if [ -z "$first" ] && [ "${n%.*}" -gt 0 ]; then first=$now; first_n=${n%.*}; rss_first=$rss; fi
  if [ -z "$rss_10" ] && [ "${n%.*}" -ge $((mails / 10)) ]; then rss_10=$rss; fi
  if [ -z "$rss_50" ] && [ "${n%.*}" -ge $((mails / 2)) ]; then rss_50=$rss; fi
  if [ -z "$rss_90" ] && [ "${n%.*}" -ge $((mails * 9 / 10)) ]; then rss_90=$rss; fi
  if [ "${n%.*}" -ge "$mails" ]; then last=$now; break; fi
  [ "$(date +%s)" -lt "$deadline" ] || die "only $n of $mails mails after 600 s"
  sleep 0.5
done
rss_end=$(rss_kb)
xacts=$(( $(transactions bench_notifications) - xacts_before ))
rate=$(awk -v n="$mails" -v f="$first_n" -v s="$first" -v e="$last" 'BEGIN {printf "%.0f", (n - f) / (e - s)}')

echo "# notification-worker benchmark: $mails mails of $size bytes, $sessions SMTP sessions (smtp-source), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "| measure | worker | ceiling (smtp-source, same sink) | ratio | target |"
echo "|---|---|---|---|---|"
echo "| mails/s | $rate | $ceiling | $(awk -v a="$rate" -v b="$ceiling" 'BEGIN {printf "%.0f%%", 100 * a / b}') | >= 1000/s |"
echo
echo "RSS (MB): $((rss_first / 1024)) at the first mail; after 10% $((rss_10 / 1024)), 50% $((rss_50 / 1024)), 90% $((rss_90 / 1024)), all $((rss_end / 1024)); max $((rss_max / 1024))"
echo "RSS growth from 10% to 90% of the mails: $(awk -v a="$rss_10" -v b="$rss_90" 'BEGIN {printf "%.0f", 100 * (b - a) / a}')% (target: flat, within 10%)"
echo "Database transactions per mail: $(awk -v x="$xacts" -v n="$mails" 'BEGIN {printf "%.2f", x / n}')"
echo "Worker flags: ${*:-(defaults)}; SMTP server: ${BENCH_SMTP_URL:-smtp-sink}"
# The worker goes before its topics: a consumer whose topics were
# deleted under it waits 5 s in its shutdown (src/core/kafka/consumer.cpp).
bench_stop worker
"$admin" delete-topics --brokers "$KAFKA_BROKERS" --topic "$run-mail" --topic "$run-retry" \
  --topic "$run-failed" >/dev/null 2>&1 || true
