// Child process of the scale benchmark, so its peak memory is its own; compiled by bench/scale.ts
// against dist/ (bench/lib/built-child.ts), so it runs the built modules users run, without tsx. Modes (one JSON line out:
// phase timings in ms, max_rss_mib = process.resourceUsage().maxRSS, counts):
// - `report <dir> <outDir>`: the report's index page as `fixbench report` builds it
//   (buildReportFromRun: readRunIndex's projected records → analyses → index.html), no attempt pages;
// - `pages <dir> <outDir>`: then every attempt page (after `report` into the same folder), and a
//   second build with nothing changed (incremental: digests only);
// - `resume <dir>`: the resume scan as `fixbench run --resume` makes it (RunWriter.open: the torn-line
//   cut, then each finished attempt's key, outcome and spend from the sidecar index
//   attempts.index.jsonl, written by this open when the run has none), then the key set and the spend
//   summed; `source` says whether the sidecar was read (1) or attempts.jsonl scanned (0);
// - `read-run <dir>`: readRun (every field), for comparison.
import { performance } from 'node:perf_hooks';
import { stat } from 'node:fs/promises';
import { RunWriter, readRun, readRunHeader } from '../src/store/store.ts';
import { readAttemptIndex } from '../src/store/attempt-index.ts';
import { buildReportFromRun } from '../src/report/build-run.ts';

const [mode, dir, outDir] = process.argv.slice(2);
const rssMiB = () => process.resourceUsage().maxRSS / 1024;
const baseRss = rssMiB();
const t0 = performance.now();
let out: Record<string, number>;
if (mode === 'report') {
  const file = await buildReportFromRun({ runDir: dir!, outDir: outDir!, attemptPages: false });
  out = { total_ms: performance.now() - t0, html_bytes: (await stat(file)).size };
} else if (mode === 'pages') {
  await buildReportFromRun({ runDir: dir!, outDir: outDir! });
  const t1 = performance.now();
  await buildReportFromRun({ runDir: dir!, outDir: outDir! });
  out = { total_ms: t1 - t0, again_ms: performance.now() - t1 };
} else if (mode === 'resume') {
  const { done } = await RunWriter.open(dir!);
  const t1 = performance.now();
  const keys = new Set(done.map((r) => r.key));
  const usd = done.reduce((s, r) => s + (r.budget_usd ?? r.list_usd ?? 0), 0);
  out = { read_ms: t1 - t0, keys_ms: performance.now() - t1, total_ms: performance.now() - t0, records: keys.size, usd };
} else if (mode === 'index-source') {
  // what the next resume of `dir` would read, without writing: 1 = the sidecar as it is
  const { source } = await readAttemptIndex(dir!, await readRunHeader(dir!), { repair: false });
  out = { total_ms: performance.now() - t0, sidecar: source.kind === 'sidecar' ? 1 : 0 };
} else if (mode === 'read-run') {
  const run = await readRun(dir!);
  out = { total_ms: performance.now() - t0, records: run.attempts.length };
} else {
  throw new Error(`usage: scale-child.ts report|pages <results-dir> <out-dir> | resume|read-run <results-dir> (got ${mode})`);
}
process.stdout.write(JSON.stringify({ ...out, base_rss_mib: baseRss, max_rss_mib: rssMiB() }) + '\n');
