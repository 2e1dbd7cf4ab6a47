#!/usr/bin/env bash
# Gold and noop on real SWE-bench Multimodal instances, imported unchanged from the published task
# folders (docs/swe-bench-multimodal.md). Not run by `npm test`: it installs each instance's
# dependencies from the npm registry and takes tens of minutes on 2 cores.
#
#   scripts/swe-real-gold.sh [repo…]        repo: marked | prism | chartjs | hljs | reactpdf | bpmnjs (default: marked prism chartjs hljs; reactpdf was not run here)
#
# Inputs (bare git mirrors; clones work too):
#   SWE_TASKS   the task repository (github.com/SWE-bench/swe-bench-multimodal-dockerfiles)
#   MARKED, PRISM, CHARTJS, HLJS, REACTPDF   markedjs/marked, PrismJS/prism, chartjs/Chart.js, highlightjs/highlight.js, diegomura/react-pdf
#   BPMNJS      bpmn-io/bpmn-js
#   WORK        scratch folder (default /tmp/fixbench-swe-real); FIXBENCH_CACHE_DIR defaults to $WORK/cache
#   ONLY        optional: instance ids to run (space-separated), a subset of the sample (re-runs)
#   CONCURRENCY attempts at once (default 2; 1 gives a browser run the machine to itself)
#   AUTOGROUP_NICE  optional (root): scheduler priority for the run's processes, e.g. -15. Each
#               sandbox is a session of its own (bwrap --new-session), so under Linux's autogroup
#               scheduling it gets one share among all sessions on the machine and plain `nice`
#               does nothing; this sets /proc/<pid>/autogroup for every process of the run, every
#               0.5 s. For tests with wall-clock timeouts (highlight.js: a 2 s mocha hook) on a
#               shared machine; see docs/swe-bench-multimodal.md.
# Output: $WORK/results/<repo>/…, and one line per attempt: instance, contender, outcome, error.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SWE_TASKS=${SWE_TASKS:-/work/.mirror/SWE-bench+swe-bench-multimodal-dockerfiles/repo}
MARKED=${MARKED:-/work/.mirror/markedjs+marked/repo}
PRISM=${PRISM:-/work/.mirror/PrismJS+prism/repo}
CHARTJS=${CHARTJS:-/work/.mirror/chartjs+Chart.js/repo}
HLJS=${HLJS:-/work/.mirror/highlightjs+highlight.js/repo}
REACTPDF=${REACTPDF:-/work/.mirror/diegomura+react-pdf/repo}
BPMNJS=${BPMNJS:-/work/.mirror/bpmn-io+bpmn-js/repo}
WORK=${WORK:-/tmp/fixbench-swe-real}
export FIXBENCH_CACHE_DIR=${FIXBENCH_CACHE_DIR:-$WORK/cache}
fixbench() { node "$ROOT/bin/fixbench.mjs" "$@"; }

# AUTOGROUP_NICE: until process $1 ends, every process under it gets autogroup nice $AUTOGROUP_NICE.
prioritize() {
  while [ -d "/proc/$1" ]; do
    for p in $(pstree -p "$1" | grep -o '([0-9]*)' | tr -d '()'); do
      g=$(cat "/proc/$p/autogroup" 2>/dev/null) || continue
      [ "${g##* nice }" = "$AUTOGROUP_NICE" ] || echo "$AUTOGROUP_NICE" > "/proc/$p/autogroup" 2>/dev/null || true
    done
    sleep 0.5
  done
}
mkdir -p "$WORK"

# How to run each repository's tests: what SWE-bench keeps in its per-repo specs (setup from the
# Dockerfile's install step; test_cmd and node come from each instance's eval.sh and Dockerfile).
cat > "$WORK/spec.yaml" <<'YAML'
markedjs/marked:
  setup: npm install
  test_report: jasmine
  timeout_s: 600
PrismJS/prism:
  setup: npm ci && npm run build
  test_report: mocha
  timeout_s: 600
chartjs/Chart.js:
  # The Dockerfile's install: npm (package-lock.json) before 4.x, pnpm 7.9.0 (pnpm-lock.yaml) after, as its
  # standalone build (@pnpm/exe: its own Node 16; pnpm 7.9 on Node 21 fails with ERR_INVALID_THIS);
  # puppeteer's own Chrome is not downloaded (the sandbox gives Chromium: browser: chromium).
  setup: >-
    export PUPPETEER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=true;
    if [ -f pnpm-lock.yaml ]; then npx --yes @pnpm/exe@7.9.0 install --frozen-lockfile; else npm install; fi
  # eval.sh's command without what the sandbox replaces: no install (no network in the test
  # sandbox; setup did it), no xvfb-run/su (the browser runs headless), its sed raising
  # browserNoActivityTimeout given as karma's own flag; karma.conf.js or .cjs, whichever the
  # commit has; the config's "chrome" launcher (base Chrome, CHROME_BIN).
  test_cmd: npm run build ; ./node_modules/.bin/karma start --single-run --browsers chrome --browser-no-activity-timeout 300000
  test_report: karma
  timeout_s: 2400
highlightjs/highlight.js:
  # The Dockerfile's install (npm install, npm run build); eval.sh's command without its
  # `npm install` (no network in the test sandbox; setup did it): the build (the tests load
  # build/, so a patch to src/ needs it), then mocha through `npm run test`.
  setup: npm install && npm run build
  test_cmd: npm run build ; npm run test
  test_report: mocha
  timeout_s: 1200
diegomura/react-pdf:
  # The Dockerfile's install: npm (and cheerio 1.0.0-rc.3) on Node 8, yarn 1 on Node 18.
  setup: >-
    case "$(node -v)" in v8.*) npm install && npm install cheerio@1.0.0-rc.3 ;;
    *) npx --yes yarn@1.22.22 install ;; esac
  test_report: jest
  timeout_s: 1200
bpmn-io/bpmn-js:
  # The Dockerfile's install (npm, on the instance's Node 16 or 21); puppeteer's own Chrome is not
  # downloaded (the sandbox gives Chromium: browser: chromium). Where the lock still carries
  # phantomjs-prebuilt (9.x: karma-phantomjs-launcher, unused: the configuration runs ChromeHeadless),
  # install scripts are skipped: its script downloads PhantomJS from github.com, which only the
  # Dockerfile's build can reach (here only the npm registry is); the other scripts of that tree
  # (core-js's banner, fsevents on macOS, puppeteer's skipped download, the root's `prepare`: the
  # distro bundles) do nothing the unit tests use. The launcher itself is removed: karma loads
  # every karma-* plugin, and this one fails to load without PhantomJS ("Found 1 load error").
  setup: >-
    export PUPPETEER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=true;
    if grep -q '"phantomjs-prebuilt"' package-lock.json;
    then npm install --ignore-scripts && rm -rf node_modules/karma-phantomjs-launcher; else npm install; fi
  # eval.sh's command without what the sandbox replaces: its first sed points CHROME_BIN at the
  # image's Chrome instead of puppeteer's (here the line is dropped, so CHROME_BIN stays the
  # sandbox's Chromium); not its other two (browsers ChromeNoSandbox, an empty customLaunchers); no su (the
  # browser runs headless as the sandbox's user); the configuration's own ChromeHeadless (the
  # sandbox's launcher adds --no-sandbox).
  # browserNoActivityTimeout raised from the configuration's 30 s (eval.sh keeps it; this shared
  # 2-core machine is slower than SWE-bench's; it does not change which tests pass).
  test_cmd: sed -i "/require('puppeteer').executablePath()/d" test/config/karma.unit.js ; ./node_modules/.bin/karma start test/config/karma.unit.js --no-colors --browser-no-activity-timeout 300000
  test_report: karma
  timeout_s: 2400
YAML

# The sample (docs/swe-bench-multimodal.md#the-sample): every marked instance; the five
# highest-numbered Prism, Chart.js and highlight.js instances.
sample() {
  local prefix=$1 n=$2
  git -C "$SWE_TASKS" ls-tree --name-only HEAD tasks/ | sed -n "s|^tasks/\(${prefix}-[0-9]*\)$|\1|p" | sort -t- -k2 -n | tail -n "$n" |
    { if [ -n "${ONLY:-}" ]; then grep -xF -f <(tr ' ' '\n' <<<"$ONLY") || true; else cat; fi; }
}

run_repo() {
  local name=$1 prefix=$2 n=$3 slug=$4 mirror=$5
  local sel="$WORK/published/$name" tasks="$WORK/tasks/$name"
  rm -rf "$sel" "$tasks" "$WORK/results/$name" "$WORK/reports/$name"
  mkdir -p "$sel"
  for id in $(sample "$prefix" "$n"); do
    git -C "$SWE_TASKS" archive HEAD "tasks/$id" | tar -x -C "$sel" --strip-components=1
  done
  fixbench tasks import --swe-bench-tasks "$sel" --tasks "$tasks" --spec "$WORK/spec.yaml" --repo-dir "$slug=$mirror" >/dev/null
  fixbench run --tasks "$tasks" --no-models --concurrency "${CONCURRENCY:-2}" --results "$WORK/results/$name" --reports "$WORK/reports/$name" --run-id "$name" &
  local run=$!
  if [ -n "${AUTOGROUP_NICE:-}" ]; then prioritize "$run" & fi
  wait "$run" || true
  node -e '
    const fs = require("fs");
    for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
      const r = JSON.parse(l);
      const err = r.error ? String(r.error.message ?? r.error).split("\n").slice(0, 3).join(" | ") : "";
      console.log([r.instance_id, r.contender, r.outcome, err].join("\t"));
    }' "$WORK/results/$name/$name/attempts.jsonl" | sort
}

for repo in "${@:-marked prism chartjs hljs}"; do
  for r in $repo; do
    case $r in
      marked) run_repo marked markedjs__marked 100 markedjs/marked "$MARKED" ;;
      prism) run_repo prism PrismJS__prism 5 PrismJS/prism "$PRISM" ;;
      chartjs) run_repo chartjs chartjs__Chart.js 5 chartjs/Chart.js "$CHARTJS" ;;
      hljs) run_repo hljs highlightjs__highlight.js 5 highlightjs/highlight.js "$HLJS" ;;
      reactpdf) run_repo reactpdf diegomura__react-pdf 5 diegomura/react-pdf "$REACTPDF" ;;
      bpmnjs) run_repo bpmnjs bpmn-io__bpmn-js 5 bpmn-io/bpmn-js "$BPMNJS" ;;
      *) echo "unknown repo $r (marked, prism, chartjs, hljs, reactpdf, bpmnjs)" >&2; exit 2 ;;
    esac
  done
done
