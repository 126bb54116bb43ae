# Helpers shared by the benchmark scripts.
# shellcheck shell=bash

# scrape URL: the Prometheus text of a /metrics endpoint.
scrape() { curl -sf "$1"; }

# histogram_quantile Q METRIC BEFORE_FILE AFTER_FILE: the Q-quantile (0..1), in
# milliseconds, of the observations a histogram (in seconds) gained between two
# scrapes, interpolated linearly inside the bucket like Prometheus does.
histogram_quantile() {
  local q=$1 metric=$2 before=$3 after=$4
  awk -v q="$q" -v m="${metric}_bucket" '
    function le(line) { match(line, /le="[^"]+"/); return substr(line, RSTART + 4, RLENGTH - 5) }
    FNR == NR && index($0, m "{") == 1 { base[le($0)] = $NF; next }
    FNR != NR && index($0, m "{") == 1 { bound[n] = le($0); count[n] = $NF - base[bound[n]]; n++ }
    END {
      total = count[n - 1]
      if (total <= 0) { print "n/a"; exit }
      rank = q * total; lower = 0; below = 0
      for (i = 0; i < n; i++) {
        if (count[i] >= rank) {
          if (bound[i] == "+Inf") { printf ">%.1f\n", lower * 1000; exit }
          inside = count[i] - below
          frac = inside > 0 ? (rank - below) / inside : 0
          printf "%.2f\n", (lower + (bound[i] - lower) * frac) * 1000
          exit
        }
        lower = bound[i]; below = count[i]
      }
    }' "$before" "$after"
}

# metric_value METRIC FILE: the value of an unlabelled metric (0 when absent).
metric_value() { awk -v m="$1" '$1 == m {v = $2} END {print v + 0}' "$2"; }

# transactions DB: committed transactions of a database so far (every
# autocommit statement counts as one).
transactions() { psql_admin -d postgres -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'"; }

# bench_begin: the dev stack up (started if needed), the release build
# ($build_dir, $admin), a scratch folder ($work); every process started with
# bench_start is killed, and the folder removed, when the script exits.
# Kafka clients log in as pipeline-admin (KAFKA_USER... exported): the
# benchmarks create their own topics, which no component's ACLs name.
# Needs $root (the project folder) and setup/lib/stack.sh sourced.
bench_begin() {
  load_profile dev
  pg_ready || "$root/setup/dev-startup.sh" >/dev/null
  [ -f "$(kafka_password_file pipeline-admin)" ] || "$root/setup/dev-startup.sh" >/dev/null
  eval "$(kafka_env_lines)"
  build_dir=$("$root/setup/build.sh" | tail -n 1)
  admin="$build_dir/src/admin/pipeline-admin"
  work=$(mktemp -d)
  bench_pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # BENCH_KEEP_WORK=1 keeps the processes' logs for a look afterwards.
  if [ -n "${BENCH_KEEP_WORK:-}" ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
# bench_start NAME COMMAND...: a process of the benchmark, in the background,
# its output in $work/NAME.log, its pid in $work/NAME.pid.
bench_start() {
  local name=$1; shift
  "$@" >>"$work/$name.log" 2>&1 &
  bench_pids+=($!)
  echo $! >"$work/$name.pid"
}
# bench_stop NAME: stops a process started with bench_start and waits for it.
bench_stop() {
  kill "$(cat "$work/$1.pid")" 2>/dev/null || true
  while kill -0 "$(cat "$work/$1.pid")" 2>/dev/null; do sleep 0.1; done
}
