#!/usr/bin/env bash
# The runbook stays executable: every fenced block of docs/RUNBOOK.md (but
# ```text, which shows output) is tagged `runbook=ID`, every ID but the prelude is run by a drill in
# tests/runbook/drills/, every section with a block names its drill, and every
# drill named exists and is named. Prints each breach.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runbook="$root/docs/RUNBOOK.md"
drills="$root/tests/runbook/drills"
breaches=0
breach() {
  echo "$*" >&2
  breaches=$((breaches + 1))
}

# Opening fences alternate with closing ones; a `text` block shows output.
mapfile -t openings < <(grep -E '^ *```' "$runbook" | awk 'NR % 2 == 1' | grep -v '```text')
ids=()
for fence in "${openings[@]}"; do
  id=$(grep -oE 'runbook=[a-z0-9-]+' <<<"$fence" | cut -d= -f2) || true
  if [ -z "$id" ]; then
    breach "docs/RUNBOOK.md: a block without a runbook=ID tag: '$fence'"
    continue
  fi
  ids+=("$id")
done
for id in $(printf '%s\n' "${ids[@]}" | sort | uniq -d); do breach "runbook=$id tags two blocks"; done
for id in "${ids[@]}"; do
  [ "$id" = prelude ] && continue
  grep -qE "(expect_block|run_block) +$id( |\$)" "$drills"/*.sh ||
    breach "block runbook=$id is run by no drill in tests/runbook/drills/"
done

# Sections (## headings) with a block name their drill in a "Drill:" line.
while read -r section; do
  awk -v s="$section" '$0 == s { inside = 1; next } /^## / { inside = 0 } inside' "$runbook" |
    grep -q '^Drill: `tests/runbook/drills/' || breach "'$section' names no drill (a 'Drill:' line)"
done < <(awk '/^## / { section = $0 } /^ *```.*runbook=/ && section != "" { print section }' "$runbook" | sort -u)

mapfile -t named < <(grep -oE 'tests/runbook/drills/[a-z_]+\.sh' "$runbook" | sort -u)
for drill in "${named[@]}"; do
  [ -f "$root/$drill" ] || breach "docs/RUNBOOK.md names $drill, which does not exist"
done
for drill in "$drills"/*.sh; do
  grep -qF "tests/runbook/drills/$(basename "$drill")" "$runbook" ||
    breach "$(basename "$drill") is named by no entry of docs/RUNBOOK.md"
done

[ "$breaches" -eq 0 ] || exit 1
echo "docs/RUNBOOK.md: ${#ids[@]} blocks, each run by a drill; every entry with a block names its drill"
