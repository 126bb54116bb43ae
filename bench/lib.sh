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
