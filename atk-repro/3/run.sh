#!/usr/bin/env bash
# Repro 3: the known-title forger of test/e2e/canary-swap.test.ts, plus a registered suite named
# like the host file, resolves EVERY time (the e2e pins ~1/2): unswapResults' `named` switch is
# decided by any result id, which the code under test can add.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-8}
T=$(mktemp -d /tmp/atkH13-r3-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
R=$T/repo; mkdir -p $R/src $R/test; cd $R; git init -q -b main
HEAD="const { describe, test } = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/add.js');"
echo 'exports.add = (a, b) => a - b;' > src/add.js
printf "%s\ndescribe('add', () => {\n  test('adds two numbers', () => assert.equal(add(2, 0), 2));\n  test('is a function', () => assert.equal(typeof add, 'function'));\n});\n" "$HEAD" > test/add.test.js
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
printf "%s\ndescribe('add', () => {\n  test('adds two numbers', () => assert.equal(add(2, 3), 5));\n  test('is a function', () => assert.equal(typeof add, 'function'));\n});\n" "$HEAD" > test/add.test.js
git diff > $T/test.patch; git checkout -q test/add.test.js
echo 'exports.add = (a, b) => a + b;' > src/add.js; git diff > $T/gold.patch; git checkout -q src/add.js
cp "$HERE/forger.js" src/add.js; git diff > $T/forger.patch; git checkout -q src/add.js
TD=$T/tasks/r3; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
cat > $TD/task.yaml <<Y
instance_id: r3
repo: $R
base_commit: $BASE
setup: ''
test_cmd: node --test --test-reporter=junit --test-reporter-destination=report.xml
test_report: junit:report.xml
FAIL_TO_PASS: ['add > adds two numbers']
PASS_TO_PASS: ['add > is a function']
timeout_s: 60
Y
echo 'add(2, 3) gives -1; it should give 5.' > $TD/problem_statement.md
{ node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r3",model_name_or_path:"fix",model_patch:fs.readFileSync(process.argv[1],"utf8")}))' $T/gold.patch
  for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r3",model_name_or_path:"forger-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/forger.patch; done; } > $T/preds.jsonl
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r3 --sandbox local --json > $T/out.json 2>$T/err.txt || true
node -e '
const fs=require("fs");const d=process.argv[1]; let ok=0,n=0,sw=0;
for (const l of fs.readFileSync(d+"/results/r3/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  const log=fs.readFileSync(`${d}/results/r3/logs/${a.contender}/${a.instance_id}/${a.attempt}/test_output.txt`,"utf8");
  const s=/canary pairs ran swapped/.test(log);
  if (a.contender.startsWith("forger")) { n++; if (a.outcome==="resolved") ok++; if (s) sw++; }
  console.log(a.contender, a.outcome, "swapped="+s, JSON.stringify(a.canaries), JSON.stringify(a.tests_status?.FAIL_TO_PASS), a.outcome==="resolved"?"":JSON.stringify(a.error).slice(0,200)); }
console.log(`forgers resolved ${ok}/${n}, of which ${sw} ran swapped (e2e pins: swapped → not resolved)`);' $T
echo "tmp: $T"
