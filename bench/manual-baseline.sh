#!/usr/bin/env bash
# The hand-made baseline of the overhead benchmark: what `fixbench run --no-models` does for each
# task, done by hand with git and bash at concurrency 1, with no harness around it.
# For each task and each reference agent (gold, then noop): clone the task's repository from its
# bundle, check out base_commit, apply gold.patch (gold only) and test.patch, run test_cmd.
#
# Usage: manual-baseline.sh <manifest.tsv>
#   manifest lines: instance_id <TAB> bundle path <TAB> base_commit <TAB> task dir <TAB> test_cmd
# Prints one JSON line with the milliseconds spent per step, summed over every attempt:
#   {"attempts":N,"clone_ms":…,"apply_ms":…,"test_ms":…,"total_ms":…}
# Exits 1 when a step fails, when gold's tests fail, or when noop's tests pass (the verdicts
# fixbench's reference gate demands, so both sides did the same work).
set -euo pipefail

manifest=${1:?usage: manual-baseline.sh <manifest.tsv>}
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
clone_us=0 apply_us=0 test_us=0 attempts=0
start=$(now_us)
work=$(mktemp -d "${TMPDIR:-/tmp}/manual-baseline.XXXXXX")
trap 'rm -rf "$work"' EXIT

while IFS=$'\t' read -r id bundle base task_dir test_cmd; do
  [[ -z "$id" ]] && continue
  for agent in gold noop; do
    ws="$work/$id-$agent/repo"
    t0=$(now_us)
    git clone --quiet --no-checkout "$bundle" "$ws"
    git -C "$ws" -c advice.detachedHead=false checkout --quiet "$base"
    t1=$(now_us)
    if [[ $agent == gold ]]; then git -C "$ws" apply --whitespace=nowarn "$task_dir/gold.patch"; fi
    git -C "$ws" apply --whitespace=nowarn "$task_dir/test.patch"
    t2=$(now_us)
    rc=0
    (cd "$ws" && bash -c "$test_cmd") >"$work/$id-$agent.log" 2>&1 || rc=$?
    t3=$(now_us)
    # The same verdicts fixbench's reference gate demands, so both sides did the same work.
    if [[ $agent == gold && $rc -ne 0 ]]; then echo "manual-baseline: $id: tests failed with gold.patch (exit $rc)" >&2; tail -20 "$work/$id-$agent.log" >&2; exit 1; fi
    if [[ $agent == noop && $rc -eq 0 ]]; then echo "manual-baseline: $id: tests passed without the fix" >&2; exit 1; fi
    rm -rf "$work/$id-$agent"
    clone_us=$((clone_us + t1 - t0)) apply_us=$((apply_us + t2 - t1)) test_us=$((test_us + t3 - t2))
    attempts=$((attempts + 1))
  done
done <"$manifest"

end=$(now_us)
printf '{"attempts":%d,"clone_ms":%d,"apply_ms":%d,"test_ms":%d,"total_ms":%d}\n' \
  "$attempts" $((clone_us / 1000)) $((apply_us / 1000)) $((test_us / 1000)) $(((end - start) / 1000))
