#!/usr/bin/env bash
# The one test command: installs what is missing, builds with ASan+UBSan,
# checks formatting and clang-tidy (setup/lint.sh), starts the test services,
# runs every test (unit and integration), stops the services (also on
# failure), then fuzzes the request-body parsers for a bounded time. Exits
# non-zero on any failure.
#   setup/run-tests.sh [--no-sanitize] [--no-lint] [--no-fuzz] [ctest arguments...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build_flag=--sanitize
lint=yes
fuzz_seconds=${FUZZ_SECONDS:-20}  # per fuzz target
while [ $# -gt 0 ]; do
  case "$1" in
    --no-sanitize) build_flag=""; shift ;;
    --no-fuzz) fuzz_seconds=0; shift ;;
    --no-lint) lint=no; shift ;;
    *) break ;;
  esac
done

"$here/install-deps.sh"
build_dir=$("$here/build.sh" $build_flag | tail -n 1)
[ "$lint" = yes ] && "$here/lint.sh" "$build_dir"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$here/../tests/ubsan.supp}

(
  trap '"$here/test-shutdown.sh" || true' EXIT
  "$here/test-startup.sh" "$build_dir"
  # The test stack's addresses, wherever OUTBOX_VAR_DIR put it.
  source "$here/lib/stack.sh"
  load_profile test
  source "$VAR_DIR/env"
  ctest --test-dir "$build_dir" --output-on-failure --timeout 300 -j 2 "$@"
)

if [ "$fuzz_seconds" -gt 0 ]; then
  "$here/run-fuzz.sh" "$fuzz_seconds"
fi
