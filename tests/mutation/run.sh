#!/usr/bin/env bash
# Mutation check of the core invariants (not part of CI): plants each bug of
# tests/mutation/mutants/ in a scratch copy of the work tree, one at a time,
# runs the tests the mutant names, and reports whether they caught it.
#   tests/mutation/run.sh [MUTANT_NAME_PREFIX...]
# Exit 0 when every mutant was killed, 1 when one survived or a baseline run
# failed, 2 when a patch no longer applies. Uses the test stack (starting it
# if needed and stopping it afterwards); the scratch copy and its release
# build live in var/mutation/ and are reused, so a rerun builds incrementally.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/setup/lib/common.sh"

scratch="$root/var/mutation/tree"
build="$root/var/mutation/build"
logs="$root/var/mutation/logs"
mkdir -p "$scratch" "$build" "$logs"

# The work tree as it is now (tracked and new files, ignored ones left out).
# Only files whose content differs are copied, so the build stays incremental
# and a file a mutant touched is always rebuilt.
sync_tree() {
  local file
  (cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    while IFS= read -r -d '' file; do
      [ -f "$root/$file" ] || continue
      cmp -s "$root/$file" "$scratch/$file" 2>/dev/null ||
        { mkdir -p "$scratch/$(dirname "$file")" && cp "$root/$file" "$scratch/$file"; }
    done
}

header() { sed -n "s/^# $2: //p" "$1" | head -n 1; }

build_target() {
  local target=$1
  cmake --build "$build" --target "$target" >"$logs/build.log" 2>&1 ||
    { tail -n 30 "$logs/build.log" >&2; return 1; }
}

# Runs one test executable with a doctest filter; 0 when every case passed.
run_cases() {
  local target=$1 cases=$2 log=$3
  (cd "$build" && "tests/$target" --test-case="$cases" >"$log" 2>&1)
}

mutants=()
for patch in "$here"/mutants/*.patch; do
  name=$(basename "$patch" .patch)
  if [ $# -eq 0 ]; then mutants+=("$patch"); continue; fi
  for prefix in "$@"; do
    case "$name" in "$prefix"*) mutants+=("$patch") ;; esac
  done
done
[ ${#mutants[@]} -gt 0 ] || die "no mutant matches: $*"

log "copying the work tree to $scratch"
sync_tree
if [ ! -f "$build/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$scratch" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
log "building pipeline-admin (the test stack's migrations)"
build_target pipeline-admin

stack_was_up=0
[ -f "$root/var/test/env" ] && port_open 15433 && port_open 19092 && stack_was_up=1
if [ "$stack_was_up" -eq 0 ]; then
  trap '"$root/setup/test-shutdown.sh" >/dev/null 2>&1 || true' EXIT
fi
"$root/setup/test-startup.sh" "$build" >"$logs/stack.log" 2>&1 ||
  { cat "$logs/stack.log" >&2; die "the test stack did not start"; }
# shellcheck disable=SC1091
source "$root/var/test/env"

killed=0 survived=0 broken=0
printf '%-45s %-9s %s\n' mutant result tests
for patch in "${mutants[@]}"; do
  name=$(basename "$patch" .patch)
  target=$(header "$patch" target)
  cases=$(header "$patch" test-case)
  [ -n "$target" ] && [ -n "$cases" ] || die "$patch lacks '# target:' or '# test-case:'"

  # The tests must pass on the unmutated code, or a "kill" means nothing.
  build_target "$target"
  if ! run_cases "$target" "$cases" "$logs/$name.baseline.log"; then
    printf '%-45s %-9s %s\n' "$name" BASELINE "fails without the bug: $logs/$name.baseline.log"
    broken=$((broken + 1))
    continue
  fi
  # doctest splits a filter at commas: a filter that matches nothing passes.
  if grep -q 'test cases: *0 |' "$logs/$name.baseline.log"; then
    printf '%-45s %-9s %s\n' "$name" NO-TESTS "'$cases' matches no test case of $target"
    broken=$((broken + 1))
    continue
  fi
  if ! patch -s -p1 -d "$scratch" --dry-run <"$patch" >/dev/null 2>&1; then
    printf '%-45s %-9s %s\n' "$name" STALE "the patch no longer applies to the code"
    broken=$((broken + 1))
    continue
  fi
  patch -s -p1 -d "$scratch" <"$patch"
  result=SURVIVED
  if ! build_target "$target"; then
    result=UNBUILT
  elif ! run_cases "$target" "$cases" "$logs/$name.log"; then
    result=KILLED
  fi
  patch -s -R -p1 -d "$scratch" <"$patch"
  case "$result" in
    KILLED) killed=$((killed + 1)) ;;
    SURVIVED) survived=$((survived + 1)) ;;
    *) broken=$((broken + 1)) ;;
  esac
  printf '%-45s %-9s %s: %s\n' "$name" "$result" "$target" "$cases"
done
echo "killed $killed, survived $survived, not run $broken (logs in $logs)"
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ] || exit 1
