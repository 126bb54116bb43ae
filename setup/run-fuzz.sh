#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build/fuzz and runs
# each (HTTP framing, request bodies, CRUD events, notification events) for a bounded time
# on a copy of its seed corpus. Exits non-zero when the
# fuzzer finds a crash or a broken invariant (the reproducer is left in build/fuzz).
#   setup/run-fuzz.sh [SECONDS]   (per target, default 20)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
seconds=${1:-20}
build_dir="$PROJECT_ROOT/build/fuzz"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$PROJECT_ROOT" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOUTBOX_BUILD_TESTS=OFF -DOUTBOX_FUZZ=ON -DOUTBOX_SANITIZE=ON >&2
fi
targets=(http-request-fuzz:http_request request-body-fuzz:request_body crud-event-fuzz:crud_event
  notification-event-fuzz:notification_event)
cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]%%:*}" >&2

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$PROJECT_ROOT/tests/ubsan.supp}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PROJECT_ROOT/tests/lsan.supp}
cd "$build_dir"
for entry in "${targets[@]}"; do
  target=${entry%%:*}
  corpus="$build_dir/corpus/${entry#*:}"
  mkdir -p "$corpus"
  cp -n "$PROJECT_ROOT/tests/fuzz/corpus/${entry#*:}"/* "$corpus"/
  log "fuzzing $target for $seconds s"
  # -max_len above the parsers' depth limits, so deep nesting is explored.
  "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 \
    -print_final_stats=1 "$corpus" 2>&1 | tail -n 15
done
