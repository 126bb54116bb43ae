#!/usr/bin/env bash
# customer-api throughput and latency against ceilings measured in the same run:
#   - POST /api/customers vs pgbench running the same INSERT statements in one
#     transaction with the same number of connections;
#   - GET /api/customers/{id} vs pgbench running the same SELECT;
#   - p99 latency at half of the measured maximum rate (wrk paced with delay());
#   - peak RSS of the API process;
#   - for context, GET /healthz: the HTTP layer alone (wrk and Pistache), no database.
# The API runs with its defaults (2 reactor threads, 4 workers, 1 batched
# reader: 5 PostgreSQL connections); pgbench opens one per client.
# Uses the dev PostgreSQL (starts the dev stack if needed) and a throwaway
# database bench_customers.   Usage: bench/api/run.sh [SECONDS=20] [CONNECTIONS=32]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds=${1:-20}
connections=${2:-32}
port=18181

source "$root/setup/lib/stack.sh"
load_profile dev
pg_ready || "$root/setup/dev-startup.sh" >/dev/null
# Each process logs in with its own role (setup/lib/pg_roles.sh); the
# script's own SQL stays superuser.
pg_export_passfile
build_dir=$("$root/setup/build.sh" | tail -n 1)
db_url="$PG_URL_BASE/bench_customers"
psql_admin -d postgres -c "DROP DATABASE IF EXISTS bench_customers WITH (FORCE)" -c "CREATE DATABASE bench_customers" >/dev/null
"$build_dir/src/admin/pipeline-admin" migrate --database-url "$db_url" --dir "$root/sql/customers" >/dev/null

"$build_dir/src/api/customer-api" --database-url "$(pg_role_url customer_api bench_customers)" --listen "127.0.0.1:$port" --allow-unauthenticated \
  --log-level warn &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true' EXIT
wait_for "customer-api" 10 curl -sf "http://127.0.0.1:$port/healthz" || die "customer-api did not start"
kill -0 "$api_pid" 2>/dev/null || die "customer-api exited (is port $port taken by another process?)"

pgbench_tps() { # FILE [extra pgbench args...]
  local file=$1; shift
  PGPASSWORD= pgbench -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c "$connections" -j 2 \
    -T "$seconds" -f "$file" "$@" bench_customers 2>/dev/null | awk '/^tps/ {print $3; exit}'
}
# wrk output -> "rps p50_ms p99_ms"
wrk_run() { # LUA [env...]  (WRK_CONNECTIONS=N in env overrides the connection count)
  local lua=$1; shift
  local conns=$connections
  for kv in "$@"; do case "$kv" in WRK_CONNECTIONS=*) conns=${kv#WRK_CONNECTIONS=} ;; esac; done
  env "$@" wrk -t"$((conns < 2 ? 1 : 2))" -c"$conns" -d"${SECONDS_OVERRIDE:-$seconds}s" --latency -s "$here/$lua" "http://127.0.0.1:$port" |
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
         /Requests\/sec/ {rps = $2} $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)}
         END {printf "%.0f %.2f %.2f\n", rps, p50, p99}'
}
# "WRK_CONNECTIONS=N WRK_DELAY_MS=D": the pacing that brings the load to half
# of `rate`. Each connection waits D ms, then takes the latency of a lightly
# loaded server (`lat`, measured on one connection), so N / (D + lat) = rate / 2.
# wrk's delay is whole milliseconds (at least 1), so N is then set to match D.
half_rate_pacing() { # RATE LAT_MS
  awk -v c="$connections" -v r="$1" -v lat="$2" 'BEGIN {
    d = int(2 * c * 1000 / r - lat + 0.5)
    if (d < 1) d = 1
    n = int(r / 2 * (d + lat) / 1000 + 0.5)
    printf "WRK_CONNECTIONS=%d WRK_DELAY_MS=%d\n", (n < 1 ? 1 : n), d
  }'
}
unloaded_p50() { # LUA [env...]
  local lua=$1; shift
  SECONDS_OVERRIDE=5 wrk_run "$lua" WRK_CONNECTIONS=1 "$@" | awk '{print $2}'
}

echo "# customer-api benchmark: $connections connections, ${seconds}s per run, $(nproc) cores, $(date -u +%FT%TZ)"
create_ceiling=$(pgbench_tps "$here/create.pgbench.sql")
read -r create_rps create_p50 create_p99 <<<"$(wrk_run post.lua)"
read -r -a create_pacing <<<"$(half_rate_pacing "$create_rps" "$(unloaded_p50 post.lua)")"
read -r create_half_rps _ create_half_p99 <<<"$(wrk_run post.lua "${create_pacing[@]}")"

max_id=$(psql_admin -d bench_customers -tAc "SELECT max(id) FROM customers")
get_ceiling=$(pgbench_tps "$here/get.pgbench.sql" -D max_id="$max_id")
read -r get_rps get_p50 get_p99 <<<"$(wrk_run get.lua MAX_ID="$max_id")"
read -r -a get_pacing <<<"$(half_rate_pacing "$get_rps" "$(unloaded_p50 get.lua MAX_ID="$max_id")")"
read -r get_half_rps _ get_half_p99 <<<"$(wrk_run get.lua MAX_ID="$max_id" "${get_pacing[@]}")"
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$api_pid/status")
read -r http_rps _ _ <<<"$(wrk_run healthz.lua)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
cat <<RESULT
| measure | API | ceiling (pgbench, same SQL) | ratio | target |
|---|---|---|---|---|
| POST create, req/s | $create_rps | $create_ceiling | $(ratio "$create_rps" "$create_ceiling") | >= 80% |
| GET by id, req/s | $get_rps | $get_ceiling | $(ratio "$get_rps" "$get_ceiling") | >= 60% |
| (context) GET /healthz, no database, req/s | $http_rps | | | |

| latency | p50 ms | p99 ms | at req/s |
|---|---|---|---|
| POST, max rate | $create_p50 | $create_p99 | $create_rps |
| POST, ~half rate | | $create_half_p99 | $create_half_rps |
| GET, max rate | $get_p50 | $get_p99 | $get_rps |
| GET, ~half rate | | $get_half_p99 | $get_half_rps |

Peak RSS of customer-api: $((rss_kb / 1024)) MB (target < 64 MB)
RESULT
