#!/usr/bin/env bash
# .env.example lists every variable an executable's --help shows and every
# variable setup/docker-compose.yml interpolates, each as a `NAME=` line
# (commented out or not). Names each one missing and where it comes from.
#   tests/deploy/env_example_test.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=${1:?usage: tests/deploy/env_example_test.sh BUILD_DIR}
example="$root/.env.example"

listed() { grep -Eq "^(# )?$1=" "$example"; }

missing=0
while IFS=$'\t' read -r name source; do
  if ! listed "$name"; then
    echo ".env.example lacks $name (shown by $source --help)" >&2
    missing=$((missing + 1))
  fi
done < <("$root/setup/config-reference.sh" --env-names "$build_dir" | sort -u -t$'\t' -k1,1)
while read -r name; do
  if ! listed "$name"; then
    echo ".env.example lacks $name (used by setup/docker-compose.yml)" >&2
    missing=$((missing + 1))
  fi
done < <(grep -oE '\$\{[A-Z_][A-Z0-9_]*' "$root/setup/docker-compose.yml" | cut -c3- | sort -u)
[ "$missing" -eq 0 ] || exit 1
echo ".env.example lists every variable of the executables and the compose file"
