#!/usr/bin/env bash
# Repro 5: pytest, gold graded unresolved whenever its pair runs swapped: a test class of the host
# file is inherited by a class in another, untouched test file. The swap renames the method in the
# base class, so the subclass in the other file runs the mutant under the original name; ids there
# are file-named and outside the pair's file, so unswapResults leaves them alone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-6}
T=$(mktemp -d /tmp/atkH13-r5-XXXX)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@x
R=$T/repo; mkdir -p $R/tests; cd $R; git init -q -b main
printf 'def add(a, b):\n    return a - b\n' > calc.py
: > tests/__init__.py
printf 'from calc import add\n\n\nclass TestCalc:\n    def test_one(self):\n        assert add(2, 0) == 2\n' > tests/test_calc.py
printf 'from tests.test_calc import TestCalc as _Shared\n\n\nclass TestAgain(_Shared):\n    pass\n' > tests/test_again.py
git add -A; git commit -qm base; BASE=$(git rev-parse HEAD)
printf 'from calc import add\n\n\nclass TestCalc:\n    def test_one(self):\n        assert add(2, 0) == 2\n\n    def test_add_sums(self):\n        assert add(2, 3) == 5\n' > tests/test_calc.py
git diff > $T/test.patch; git checkout -q tests/test_calc.py
printf 'def add(a, b):\n    return a + b\n' > calc.py; git diff > $T/gold.patch; git checkout -q calc.py
TD=$T/tasks/r5; mkdir -p $TD; cp $T/test.patch $T/gold.patch $TD/
cat > $TD/task.yaml <<Y
instance_id: r5
repo: $R
base_commit: $BASE
setup: ''
test_cmd: python3 -m pytest -p no:cacheprovider --junitxml=report.xml tests
test_report: junit:report.xml
FAIL_TO_PASS: ['tests/test_calc.py > TestCalc > test_add_sums', 'tests/test_again.py > TestAgain > test_add_sums']
PASS_TO_PASS: ['tests/test_calc.py > TestCalc > test_one', 'tests/test_again.py > TestAgain > test_one']
timeout_s: 120
language: python
Y
echo 'add() subtracts instead of adding.' > $TD/problem_statement.md
for i in $(seq 1 $N); do node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:"r5",model_name_or_path:"gold-"+process.argv[1],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' $i $T/gold.patch; done > $T/preds.jsonl
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks $T/tasks --results $T/results --reports $T/reports --run-id r5 --sandbox local --json > $T/out.json 2>$T/err.txt || true
node -e '
const fs=require("fs");const d=process.argv[1];
for (const l of fs.readFileSync(d+"/results/r5/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  const log=fs.readFileSync(`${d}/results/r5/logs/${a.contender}/${a.instance_id}/${a.attempt}/test_output.txt`,"utf8");
  const sw=/canary pairs ran swapped[^\n]*/.exec(log);
  console.log(a.contender, a.outcome, "swapped="+!!sw, JSON.stringify(a.tests_status?.FAIL_TO_PASS), JSON.stringify(a.canaries), a.outcome==="resolved"?"":JSON.stringify(a.error).slice(0,200)); }' $T
echo "tmp: $T"
