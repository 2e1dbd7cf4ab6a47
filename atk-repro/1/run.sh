#!/usr/bin/env bash
# Repro 1: gold patch graded unresolved because of a swap. node:test ids carry no file name, so
# unswapResults exchanges ids in EVERY file; a same-titled test in another, untouched test file
# (`sum > adds two numbers`, PASS_TO_PASS) is renamed to the copy's title whenever the pair ran swapped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-6}
T=$(mktemp -d /tmp/atkH13-r1-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
R=$T/repo; mkdir -p $R/src $R/test; cd $R; git init -q -b main
echo 'exports.add = (a, b) => a - b;' > src/add.js
cat > test/other.test.js <<'J'
const { describe, test } = require('node:test');
const assert = require('node:assert');
describe('sum', () => {
  test('adds two numbers', () => assert.equal(2 + 3, 5));
});
J
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
cat > test/add.test.js <<'J'
const { test } = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/add.js');
test('adds two numbers', () => assert.equal(add(2, 3), 5));
test('is a function', () => assert.equal(typeof add, 'function'));
J
git add -A; git diff --cached > $T/test.patch; git reset -q --hard
echo 'exports.add = (a, b) => a + b;' > src/add.js; git diff > $T/gold.patch; git checkout -q src/add.js
TD=$T/tasks/r1; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
cat > $TD/task.yaml <<Y
instance_id: r1
repo: $R
base_commit: $BASE
setup: ''
test_cmd: node --test --test-reporter=junit --test-reporter-destination=report.xml
test_report: junit:report.xml
FAIL_TO_PASS: ['adds two numbers']
PASS_TO_PASS: ['is a function', 'sum > adds two numbers']
timeout_s: 60
Y
echo 'add(2, 3) gives -1; it should give 5.' > $TD/problem_statement.md
: > $T/preds.jsonl
for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r1",model_name_or_path:"gold-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/gold.patch >> $T/preds.jsonl; done
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r1 --sandbox local --json > $T/out.json 2>$T/err.txt || true
node -e '
const fs=require("fs");const d=process.argv[1];
for (const l of fs.readFileSync(d+"/results/r1/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  const log=fs.readFileSync(`${d}/results/r1/logs/${a.contender}/${a.instance_id}/${a.attempt}/test_output.txt`,"utf8");
  const sw=/canary pairs ran swapped[^\n]*/.exec(log);
  console.log(a.contender, a.outcome, "swapped="+!!sw, JSON.stringify(a.error), JSON.stringify(a.tests_status?.PASS_TO_PASS), JSON.stringify(a.canaries)); }' $T
echo "tmp: $T"
