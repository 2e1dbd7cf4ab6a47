#!/usr/bin/env bash
# The hand-made baseline of the overhead and concurrency benchmarks: what `fixbench run --no-models`
# does for each task, done by hand with git and bash, with no harness around it.
# For each task, each attempt and each reference agent (gold, then noop: fixbench's job order,
# task-major), clone the task's repository from its bundle, check out base_commit, apply gold.patch
# (gold only) and test.patch, run test_cmd in the environment fixbench gives a test command
# (src/sandbox/env.ts `sandboxEnv`: PATH, a fresh HOME and TMPDIR, LANG/LC_ALL=C.UTF-8, TERM=dumb,
# NO_COLOR=1, FORCE_COLOR=0, CI=1, nothing else of the caller's), so both sides run the same
# processes: a variable such as NODE_EXTRA_CA_CERTS (read by every node process at start) would
# otherwise make the script's tests slower than fixbench's.
#
# Usage: manual-baseline.sh [--attempts N] [--jobs J] <manifest.tsv>
#   manifest lines: instance_id <TAB> bundle path <TAB> base_commit <TAB> task dir <TAB> test_cmd
#   --attempts N  attempts per task and agent (default 1), like `fixbench run --attempts N`
#   --jobs J      attempts at once (default 1): a pool of J, the next attempt starting the moment one
#                 ends, like `fixbench run --concurrency J`
# Prints one JSON line with the milliseconds spent per step, summed over every attempt (so with
# J > 1 the sums exceed the wall time), and the wall time:
#   {"attempts":N,"clone_ms":…,"apply_ms":…,"test_ms":…,"total_ms":…}
# Exits 1 when a step fails, when gold's tests fail, or when noop's tests pass (the verdicts
# fixbench's reference gate demands, so both sides did the same work); attempts already running
# finish first, no new one starts.
set -euo pipefail

usage='usage: manual-baseline.sh [--attempts N] [--jobs J] <manifest.tsv>'
attempts_per=1 jobs=1
while [[ $# -gt 1 ]]; do
  case $1 in
    --attempts) attempts_per=${2:?$usage}; shift 2 ;;
    --jobs) jobs=${2:?$usage}; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
manifest=${1:?$usage}
[[ $attempts_per =~ ^[1-9][0-9]*$ && $jobs =~ ^[1-9][0-9]*$ ]] || { echo "manual-baseline: --attempts and --jobs take a positive integer" >&2; exit 2; }

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
start=$(now_us)
work=$(mktemp -d "${TMPDIR:-/tmp}/manual-baseline.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One attempt; prints "<clone+checkout µs> <apply µs> <test µs>". Runs in its own subshell.
one_attempt() {
  local n=$1 id=$2 bundle=$3 base=$4 task_dir=$5 test_cmd=$6 agent=$7
  local ws="$work/$n/repo" t0 t1 t2 t3 rc=0
  t0=$(now_us)
  git clone --quiet --no-checkout "$bundle" "$ws"
  git -C "$ws" -c advice.detachedHead=false checkout --quiet "$base"
  t1=$(now_us)
  if [[ $agent == gold ]]; then git -C "$ws" apply --whitespace=nowarn "$task_dir/gold.patch"; fi
  git -C "$ws" apply --whitespace=nowarn "$task_dir/test.patch"
  t2=$(now_us)
  mkdir -p "$work/$n/home" "$work/$n/tmp"
  (cd "$ws" && env -i PATH="$PATH" HOME="$work/$n/home" TMPDIR="$work/$n/tmp" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    TERM=dumb NO_COLOR=1 FORCE_COLOR=0 CI=1 bash -c "$test_cmd") >"$work/$n.log" 2>&1 || rc=$?
  t3=$(now_us)
  # The same verdicts fixbench's reference gate demands, so both sides did the same work.
  if [[ $agent == gold && $rc -ne 0 ]]; then echo "manual-baseline: $id: tests failed with gold.patch (exit $rc)" >&2; tail -20 "$work/$n.log" >&2; exit 1; fi
  if [[ $agent == noop && $rc -eq 0 ]]; then echo "manual-baseline: $id: tests passed without the fix" >&2; exit 1; fi
  rm -rf "${work:?}/$n"
  echo "$((t1 - t0)) $((t2 - t1)) $((t3 - t2))"
}

lines=()
while IFS= read -r line; do [[ -n "$line" ]] && lines+=("$line"); done <"$manifest"

running=0 failed=0 n=0
for line in "${lines[@]}"; do
  IFS=$'\t' read -r id bundle base task_dir test_cmd <<<"$line"
  for ((a = 0; a < attempts_per; a++)); do
    for agent in gold noop; do
      if ((running >= jobs)); then wait -n || failed=1; running=$((running - 1)); fi
      ((failed)) && break 3
      n=$((n + 1))
      one_attempt "$n" "$id" "$bundle" "$base" "$task_dir" "$test_cmd" "$agent" >"$work/$n.times" </dev/null &
      running=$((running + 1))
    done
  done
done
while ((running > 0)); do wait -n || failed=1; running=$((running - 1)); done
((failed)) && exit 1

clone_us=0 apply_us=0 test_us=0
for ((i = 1; i <= n; i++)); do
  read -r c p t <"$work/$i.times"
  clone_us=$((clone_us + c)) apply_us=$((apply_us + p)) test_us=$((test_us + t))
done
end=$(now_us)
printf '{"attempts":%d,"clone_ms":%d,"apply_ms":%d,"test_ms":%d,"total_ms":%d}\n' \
  "$n" $((clone_us / 1000)) $((apply_us / 1000)) $((test_us / 1000)) $(((end - start) / 1000))
