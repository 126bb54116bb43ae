#!/usr/bin/env bash
# The one test command: installs what is missing, builds with ASan+UBSan,
# starts the test services, runs every test (unit and integration), stops the
# services (also on failure), and exits non-zero on any failure.
#   setup/run-tests.sh [--no-sanitize] [ctest arguments...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build_flag=--sanitize
if [ "${1:-}" = "--no-sanitize" ]; then build_flag=""; shift; fi

"$here/install-deps.sh"
build_dir=$("$here/build.sh" $build_flag | tail -n 1)

trap '"$here/test-shutdown.sh" || true' EXIT
"$here/test-startup.sh" "$build_dir"
source "$here/../var/test/env"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j 2 "$@"
