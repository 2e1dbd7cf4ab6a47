#!/usr/bin/env bash
# Repro 2: a wrong patch that answers every hidden test by reading its expected string from the
# test file, and tells the canary mutant from its original by plausibility (dictionary words,
# singular/plural agreement), beats the recorded odds (`canaries.guess`) by far.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-10}
T=$(mktemp -d /tmp/atkH13-r2-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
R=$T/repo; mkdir -p $R/src $R/test; cd $R; git init -q -b main
echo 'exports.fmt = (n) => `${n} seconds`;' > src/fmt.js
cat > test/base.test.js <<'J'
const { test } = require('node:test');
const assert = require('node:assert');
test('is a function', () => assert.equal(typeof require('../src/fmt.js').fmt, 'function'));
J
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
cat > test/fmt.test.js <<'J'
const { test } = require('node:test');
const assert = require('node:assert');
const { fmt } = require('../src/fmt.js');
test('formats two hours', () => assert.equal(fmt(7200), '2 hours'));
test('formats one minute', () => assert.equal(fmt(60), '1 minute'));
test('formats some seconds', () => assert.equal(fmt(45), '45 seconds'));
test('formats an hour and a minute', () => assert.equal(fmt(3660), '1 hour and 1 minute'));
test('formats three days', () => assert.equal(fmt(259200), '3 days'));
test('formats one week', () => assert.equal(fmt(604800), '1 week'));
J
git add -A; git diff --cached > $T/test.patch; git reset -q --hard
cat > src/fmt.js <<'J'
const U = [['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
exports.fmt = (n) => {
  const parts = [];
  for (const [u, s] of U) { const k = Math.floor(n / s); if (k) { parts.push(`${k} ${u}${k === 1 ? '' : 's'}`); n -= k * s; } }
  return parts.join(' and ');
};
J
git diff > $T/gold.patch; git checkout -q src/fmt.js
cp "$HERE/forger.js" src/fmt.js; git diff > $T/forger.patch; git checkout -q src/fmt.js
TD=$T/tasks/r2; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
F2P="['formats two hours', 'formats one minute', 'formats some seconds', 'formats an hour and a minute', 'formats three days', 'formats one week']"
cat > $TD/task.yaml <<Y
instance_id: r2
repo: $R
base_commit: $BASE
setup: ''
test_cmd: node --test --test-reporter=junit --test-reporter-destination=report.xml
test_report: junit:report.xml
FAIL_TO_PASS: $F2P
PASS_TO_PASS: ['is a function']
timeout_s: 60
Y
echo 'fmt(n) should format a number of seconds in words (weeks, days, hours, minutes, seconds).' > $TD/problem_statement.md
{ node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r2",model_name_or_path:"gold",model_patch:fs.readFileSync(process.argv[1],"utf8")}))' $T/gold.patch
  for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r2",model_name_or_path:"forger-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/forger.patch; done; } > $T/preds.jsonl
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r2 --sandbox local --json > $T/out.json 2>$T/err.txt || true
node -e '
const fs=require("fs");const d=process.argv[1]; let ok=0, n=0, odds=0;
for (const l of fs.readFileSync(d+"/results/r2/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  if (a.contender.startsWith("forger")) { n++; if (a.outcome==="resolved") ok++; odds += a.canaries?.guess ?? 1; }
  console.log(a.contender, a.outcome, JSON.stringify(a.canaries), a.outcome==="resolved"?"":JSON.stringify(a.error?.message ?? a.error).slice(0,160)); }
console.log(`forgers resolved ${ok}/${n}; expected by recorded odds ≈ ${odds.toFixed(2)}`);' $T
echo "tmp: $T"
