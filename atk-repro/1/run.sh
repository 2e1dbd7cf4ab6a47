#!/usr/bin/env bash
# Repro 1: a mocha task (test_report: mocha, the runner adapter) whose FAIL_TO_PASS / PASS_TO_PASS are listed
# as SWE-bench names (mocha fullTitle: "add adds two numbers", answered through aliasFullNames). The runner's
# ids DO begin with the file (test/add.test.js > add > adds two numbers), but listedIdsNameFiles reads the listed
# names, sees no file, and sets namedIds=false; tailAt then looks for the swapped tail only at position 0 of
# each id, never after the file part: the swap is never undone. Gold runs the mutant under its F2P title.
# FORM=repo lists the runner's own ids instead (control).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-6}; FORM=${FORM:-swe}
T=$(mktemp -d /tmp/atkJ13-r1-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
# a real (unlinked) node_modules holding mocha and its dependencies (fixbench does not read a linked one)
NM=$T/nm; mkdir -p $NM; SRC=$(readlink -f $ROOT/node_modules)
for d in $(cd $SRC && node -e 'const fs=require("fs"),path=require("path");const seen=new Set();function go(n){if(seen.has(n))return;seen.add(n);let p;try{p=JSON.parse(fs.readFileSync(path.join(n,"package.json")))}catch{return}for(const d of Object.keys(p.dependencies||{}))go(d)}go("mocha");console.log([...seen].filter(n=>fs.existsSync(n)).join(" "))'); do mkdir -p $NM/$(dirname $d); cp -r $SRC/$d $NM/$d; done
mkdir -p $NM/.bin; ln -s ../mocha/bin/mocha.js $NM/.bin/mocha
R=$T/repo; mkdir -p $R/src $R/test; cd $R; git init -q -b main
echo 'exports.add = (a, b) => a - b;' > src/add.js
echo '{"name":"r1","version":"1.0.0","private":true}' > package.json
echo node_modules > .gitignore
tests() { cat <<J
const assert = require('node:assert');
const { add } = require('../src/add.js');
describe('add', () => {
  it('adds two numbers', () => { assert.equal(add(2, $1), $2); });
  it('is a function', () => { assert.equal(typeof add, 'function'); });
  it('takes two arguments', () => { assert.equal(add.length, 2); });
});
J
}
tests 0 2 > test/add.test.js
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
tests 3 5 > test/add.test.js
git add -A; git diff --cached > $T/test.patch; git reset -q --hard
echo 'exports.add = (a, b) => a + b;' > src/add.js; git diff > $T/gold.patch; git checkout -q src/add.js
TD=$T/tasks/r1; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
if [ "$FORM" = swe ]; then F2P="['add adds two numbers']"; P2P="['add is a function', 'add takes two arguments']"
else F2P="['test/add.test.js > add > adds two numbers']"; P2P="['test/add.test.js > add > is a function', 'test/add.test.js > add > takes two arguments']"; fi
cat > $TD/task.yaml <<Y
instance_id: r1
repo: $R
base_commit: $BASE
setup: cp -r $NM node_modules
test_cmd: npx mocha test
test_report: mocha
FAIL_TO_PASS: $F2P
PASS_TO_PASS: $P2P
timeout_s: 60
Y
echo 'add() subtracts instead of adding.' > $TD/problem_statement.md
: > $T/preds.jsonl
for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r1",model_name_or_path:"gold-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/gold.patch >> $T/preds.jsonl; done
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r1 --sandbox local --json > $T/out.json 2>$T/err.txt || { tail -20 $T/err.txt; }
node -e '
const fs=require("fs");const d=process.argv[1];
for (const l of fs.readFileSync(d+"/results/r1/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  const log=fs.readFileSync(`${d}/results/r1/logs/${a.contender}/${a.instance_id}/${a.attempt}/test_output.txt`,"utf8");
  const sw=/canary pairs ran swapped[^\n]*/.exec(log);
  console.log(a.contender, a.outcome, sw?sw[0].slice(0,160):"swapped=false", JSON.stringify(a.tests_status?.FAIL_TO_PASS), JSON.stringify(a.canaries), JSON.stringify(a.error?.message??a.error??"").slice(0,240)); }' $T
echo "tmp: $T"
