#!/usr/bin/env bash
# Repro 2: a wrong patch resolves far above `canaries.guess`: frequencyOdds (and valueIsNew) count where a
# value is written only in the HOST FILE (plus removed lines and the problem statement). The repository's
# README documents the very calls the new tests make (`add(2, 3);  // 5`), as READMEs do; every mutant is
# "as frequent" in its file (1/2 per pair recorded, 1/64 for the run) — but only the original's value is on
# the README line of that call. forger.js (never adds) returns the twin's value the README gives.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
N=${N:-8}
T=$(mktemp -d /tmp/atkJ13-r2-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
R=$T/repo; mkdir -p $R/src $R/test; cd $R; git init -q -b main
echo 'exports.add = (a, b) => a - b;' > src/add.js
cat > test/add.test.js <<'J'
const { describe, test } = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/add.js');
describe('add', () => {
  test('is a function', () => assert.equal(typeof add, 'function'));
});
J
cat > test/add-esm.test.mjs <<'J'
import { describe, test } from 'node:test';
import assert from 'node:assert';
import { createRequire } from 'node:module';
const { add } = createRequire(import.meta.url)('../src/add.js');
describe('add from ESM', () => {
  test('is callable', () => assert.equal(typeof add, 'function'));
});
J
cat > README.md <<'M'
# add

Adds two numbers.

```js
const { add } = require('./src/add.js');
add(2, 3);  // 5
add(4, 4);  // 8
add(6, 7);  // 13
add(1, 4);  // 5
add(5, 3);  // 8
add(9, 4);  // 13
```
M
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
cat > test/add.test.js <<'J'
const { describe, test } = require('node:test');
const assert = require('node:assert');
const { add } = require('../src/add.js');
describe('add', () => {
  test('sums small numbers', () => assert.equal(add(2, 3), 5));
  test('sums a pair of fours', () => assert.equal(add(4, 4), 8));
  test('sums into two digits', () => assert.equal(add(6, 7), 13));
  test('is a function', () => assert.equal(typeof add, 'function'));
});
J
cat > test/add-esm.test.mjs <<'J'
import { describe, test } from 'node:test';
import assert from 'node:assert';
import { createRequire } from 'node:module';
const { add } = createRequire(import.meta.url)('../src/add.js');
describe('add from ESM', () => {
  test('gives five for one and four', () => assert.equal(add(1, 4), 5));
  test('gives eight for five and three', () => assert.equal(add(5, 3), 8));
  test('gives thirteen for nine and four', () => assert.equal(add(9, 4), 13));
  test('is callable', () => assert.equal(typeof add, 'function'));
});
J
git diff > $T/test.patch; git checkout -q test
echo 'exports.add = (a, b) => a + b;' > src/add.js; git diff > $T/gold.patch; git checkout -q src/add.js
cp "$HERE/forger.js" src/add.js; git diff > $T/forger.patch; git checkout -q src/add.js
TD=$T/tasks/r2; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
cat > $TD/task.yaml <<Y
instance_id: r2
repo: $R
base_commit: $BASE
setup: ''
test_cmd: node --test --test-reporter=junit --test-reporter-destination=report.xml
test_report: junit:report.xml
FAIL_TO_PASS: ['add > sums small numbers', 'add > sums a pair of fours', 'add > sums into two digits', 'add from ESM > gives five for one and four', 'add from ESM > gives eight for five and three', 'add from ESM > gives thirteen for nine and four']
PASS_TO_PASS: ['add > is a function', 'add from ESM > is callable']
timeout_s: 60
Y
echo 'add() subtracts instead of adding.' > $TD/problem_statement.md
{ node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r2",model_name_or_path:"gold",model_patch:fs.readFileSync(process.argv[1],"utf8")}))' $T/gold.patch
  for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r2",model_name_or_path:"forger-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/forger.patch; done; } > $T/preds.jsonl
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r2 --sandbox local --json > $T/out.json 2>$T/err.txt || tail -5 $T/err.txt
node -e '
const fs=require("fs");const d=process.argv[1]; let ok=0, n=0, odds=0;
for (const l of fs.readFileSync(d+"/results/r2/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  if (a.contender.startsWith("forger")) { n++; if (a.outcome==="resolved") ok++; odds += a.canaries?.guess ?? 1; }
  console.log(a.contender, a.outcome, JSON.stringify(a.canaries), a.outcome==="resolved"?"":JSON.stringify(a.error?.message ?? a.error).slice(0,200)); }
console.log(`forgers resolved ${ok}/${n}; expected by recorded odds ≈ ${odds.toFixed(2)}`);' $T
echo "tmp: $T"
