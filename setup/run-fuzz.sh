#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build/fuzz and runs
# each for a bounded time on a copy of its seed corpus. Exits non-zero when the
# fuzzer finds a crash or a broken invariant (the reproducer is left in build/fuzz).
#   setup/run-fuzz.sh [SECONDS]   (default 30)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
seconds=${1:-30}
build_dir="$PROJECT_ROOT/build/fuzz"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$PROJECT_ROOT" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOUTBOX_BUILD_TESTS=OFF -DOUTBOX_FUZZ=ON -DOUTBOX_SANITIZE=ON >&2
fi
cmake --build "$build_dir" --target request-body-fuzz --parallel "$(nproc)" >&2

corpus="$build_dir/corpus/request_body"
mkdir -p "$corpus"
cp -n "$PROJECT_ROOT"/tests/fuzz/corpus/request_body/* "$corpus"/
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$PROJECT_ROOT/tests/ubsan.supp}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PROJECT_ROOT/tests/lsan.supp}
log "fuzzing request bodies for $seconds s"
cd "$build_dir"
"$build_dir/tests/fuzz/request-body-fuzz" -max_total_time="$seconds" -max_len=4096 \
  -print_final_stats=1 "$corpus" 2>&1 | tail -n 15
