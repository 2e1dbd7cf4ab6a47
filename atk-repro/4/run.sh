#!/usr/bin/env bash
# Repro 4: the bundled js-duration tasks (node:test + JUnit) graded `resolved` for a patch that
# fixes nothing: assert made a no-op + a registered suite named like the test file (see hijack.js).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/atkH13-r4-XXXX)
for i in 1 2 3 4 5; do for k in 1 2; do
  node -e 'const fs=require("fs");console.log(JSON.stringify({instance_id:process.argv[1],model_name_or_path:"wrong-"+process.argv[3],model_patch:fs.readFileSync(process.argv[2],"utf8")}))' js-duration-$i "$HERE/wrong.patch" $k
done; done > $T/preds.jsonl
cd "$ROOT"
nice -n 10 node bin/fixbench.mjs eval --predictions $T/preds.jsonl --tasks tasks --results $T/results --reports $T/reports --run-id r4 --sandbox local --json > $T/out.json 2>$T/err.txt || true
node -e '
const fs=require("fs");const d=process.argv[1];
for (const l of fs.readFileSync(d+"/results/r4/attempts.jsonl","utf8").trim().split("\n")) { const a=JSON.parse(l);
  console.log(a.instance_id, a.contender, a.outcome, JSON.stringify(a.canaries), JSON.stringify(a.tests_status?.FAIL_TO_PASS), a.outcome==="resolved"?"":JSON.stringify(a.error).slice(0,200)); }' $T
echo "tmp: $T"
