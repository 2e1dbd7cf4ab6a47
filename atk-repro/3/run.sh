#!/usr/bin/env bash
# Repro 3: `report --site` writes through a planted link at a page FILE (atkI13 #5's fix lstat's only the
# folders attempts/ and attempts/<n>): attempts/<n>/<m>.html and attempts/attempt.css are written with plain
# writeFile/writeFileSync, which follow a symlink. The manifest's digest/size check uses stat (follows too).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d /tmp/atkJ13-r3-XXXX)
RES=${RES:-}
if [ -z "$RES" ]; then N=1 "$ROOT/atk-repro/2/run.sh" > $T/r2.txt; RES=$(sed -n 's/^tmp: //p' $T/r2.txt)/results; fi
SITE=$T/site; V=$T/victim; mkdir -p $V
echo 'precious page: not written by fixbench' > $V/page.txt
echo 'precious css: not written by fixbench' > $V/style.txt
cd "$ROOT"
node bin/fixbench.mjs report --site --results $RES --reports $SITE > $T/build1.txt 2>&1
RUN=$(ls $RES | head -1); A=$SITE/$RUN/attempts
echo "first build: $(ls $A | tr '\n' ' ') / 0: $(ls $A/0 | tr '\n' ' ')"
# a hostile co-writer of the site folder (or a restored/synced copy) replaces a page and the stylesheet by links
rm $A/0/0.html; ln -s $V/page.txt $A/0/0.html
rm $A/attempt.css; ln -s $V/style.txt $A/attempt.css
node bin/fixbench.mjs report --site --results $RES --reports $SITE > $T/build2.txt 2>&1 || echo "build2 exit $?"
# 3c: the run's own index.html (buildReport) and the site's top index.html
echo 'precious index: not written by fixbench' > $V/index.txt
echo 'precious top: not written by fixbench' > $V/top.txt
rm -f $SITE/$RUN/index.html; ln -s $V/index.txt $SITE/$RUN/index.html
rm -f $SITE/index.html; ln -s $V/top.txt $SITE/index.html
node bin/fixbench.mjs report --site --results $RES --reports $SITE > $T/build3.txt 2>&1 || echo "build3 exit $?"
for f in page style index top; do
  grep -q precious $V/$f.txt && echo "EXPECTED: victim/$f.txt unchanged" || echo "ACTUAL: victim/$f.txt OVERWRITTEN with: $(head -c 60 $V/$f.txt | tr '\n' ' ')"
done
echo "tmp: $T"
