#!/usr/bin/env bash
# Repro 4: a monorepo task whose runner is rooted in a package folder (vitest run in packages/foo, JUnit):
# the runner's ids begin with the file as the package sees it (`test/add.test.js > add > adds two numbers`),
# so the task lists them so; the host is `packages/foo/test/add.test.js`. listedIdsNameFiles compares with a
# plain startsWith (not canary-swap.ts's own `sameFile`), answers false, and tailAt (named=false) never finds
# the swapped tail after the file part: a swapped pair is never undone, gold is graded on the mutant.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-6}
T=$(mktemp -d /tmp/atkJ13-r4-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
R=$T/repo; P=$R/packages/foo; mkdir -p $P/src $P/test; cd $R; git init -q -b main
echo '{"name":"mono","private":true,"workspaces":["packages/*"]}' > package.json
echo '{"name":"foo","private":true}' > $P/package.json
echo 'exports.add = (a, b) => a - b;' > $P/src/add.js
tests() { cat <<J
const { add } = require('../src/add.js');
describe('add', () => {
  it('adds two numbers', () => { expect(add(2, $1)).toBe($2); });
  it('is a function', () => { expect(typeof add).toBe('function'); });
  it('takes two arguments', () => { expect(add.length).toBe(2); });
});
J
}
tests 0 2 > $P/test/add.test.js
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
tests 3 5 > $P/test/add.test.js
git add -A; git diff --cached > $T/test.patch; git reset -q --hard
echo 'exports.add = (a, b) => a + b;' > $P/src/add.js; git diff > $T/gold.patch; git checkout -q .
TD=$T/tasks/r4; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
cat > $TD/task.yaml <<Y
instance_id: r4
repo: $R
base_commit: $BASE
setup: ''
test_cmd: cd packages/foo && $ROOT/node_modules/.bin/vitest run --globals --reporter=junit --outputFile=../../report.xml
test_report: junit:report.xml
FAIL_TO_PASS: ['test/add.test.js > add > adds two numbers']
PASS_TO_PASS: ['test/add.test.js > add > is a function', 'test/add.test.js > add > takes two arguments']
timeout_s: 120
Y
echo 'add() subtracts instead of adding.' > $TD/problem_statement.md
: > $T/preds.jsonl
for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r4",model_name_or_path:"gold-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/gold.patch >> $T/preds.jsonl; done
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r4 --sandbox local --json > $T/out.json 2>$T/err.txt || { tail -20 $T/err.txt; }
node -e '
const fs=require("fs");const d=process.argv[1];
for (const l of fs.readFileSync(d+"/results/r4/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  const log=fs.readFileSync(`${d}/results/r4/logs/${a.contender}/${a.instance_id}/${a.attempt}/test_output.txt`,"utf8");
  const sw=/canary pairs ran swapped[^\n]*/.exec(log);
  console.log(a.contender, a.outcome, sw?sw[0].slice(0,170):"swapped=false", JSON.stringify(a.tests_status?.FAIL_TO_PASS), JSON.stringify(a.canaries), JSON.stringify(a.error?.message??a.error??"").slice(0,240)); }' $T
echo "tmp: $T"
