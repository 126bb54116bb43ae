#!/usr/bin/env bash
# The browser tests: the web UI in Debian's headless Chromium, driven by the
# npm package playwright-core, against customer-api processes of their own
# (free ports, their own databases on the test stack's PostgreSQL). ctest runs
# it under the label "browser" inside setup/run-tests.sh; by hand:
#   source var/test/env   # after setup/test-startup.sh
#   tests/browser/run.sh build/sanitize/src/api/customer-api build/sanitize/src/admin/pipeline-admin \
#       build/sanitize/src/outbox/outbox-relay [node --test arguments, e.g. --test-name-pattern=conflict]
# Screenshots of every scenario go to var/screenshots/ (SCREENSHOT_DIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
CUSTOMER_API_BIN=$(realpath "$1")
PIPELINE_ADMIN_BIN=$(realpath "$2")
OUTBOX_RELAY_BIN=$(realpath "$3")
export CUSTOMER_API_BIN PIPELINE_ADMIN_BIN OUTBOX_RELAY_BIN
shift 3

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "$CHROMIUM is missing: setup/install-deps.sh installs Debian's chromium" >&2
  exit 1
fi

# npm ci only when node_modules is missing or came from another lock file, so
# a warm run needs no network.
stamp="$here/node_modules/.package-lock.sha256"
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
  echo "$want" >"$stamp"
fi

cd "$here"
exec node --test --test-reporter=spec "$@" suite.test.mjs
