#!/usr/bin/env bash
# setup/docker-compose.yml is valid with .env.example's secrets filled in
# (in a temporary copy: a filled .env is never written into the project), no
# variable is left unset, and each secret is required: emptied, docker-compose
# refuses and names it. No Docker engine is needed (`config` only).
#   tests/deploy/compose_config_test.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
compose="$root/setup/docker-compose.yml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The secrets: section 1's empty PASSWORD and TOKENS lines.
mapfile -t secrets < <(sed -nE 's/^([A-Z_]+(PASSWORD|TOKENS))=$/\1/p' "$root/.env.example")
[ ${#secrets[@]} -ge 11 ] || { echo "expected 11+ secrets in .env.example, found ${#secrets[@]}" >&2; exit 1; }
sed -E 's/^([A-Z_]+(PASSWORD|TOKENS))=$/\1=validation-only-\1-0123456789/' "$root/.env.example" >"$work/.env"

# A clean environment: the shell's variables would win over the file's (the
# test stack exports some of the same names).
config() { env -i PATH="$PATH" HOME="${HOME:-/tmp}" docker-compose --env-file "$1" -f "$compose" config -q; }
if ! config "$work/.env" 2>"$work/stderr"; then
  cat "$work/stderr" >&2
  echo "docker-compose config failed with every secret of .env.example set" >&2
  exit 1
fi
if grep -i "not set" "$work/stderr" >&2; then
  echo "a variable the compose file uses is not set by .env.example (above)" >&2
  exit 1
fi

failed=0
for secret in "${secrets[@]}"; do
  sed "s/^$secret=.*/$secret=/" "$work/.env" >"$work/empty.env"
  if config "$work/empty.env" 2>"$work/stderr" || ! grep -q "$secret" "$work/stderr"; then
    echo "docker-compose accepts an empty $secret, or does not name it" >&2
    failed=1
  fi
done
[ "$failed" -eq 0 ] || exit 1
echo "compose file valid; each of ${#secrets[@]} secrets is required"
