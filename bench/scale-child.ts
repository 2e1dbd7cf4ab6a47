// Child process of the scale benchmark, so its peak memory is its own: reads a results folder with
// the store's public reader and either builds the report (`report <dir> <outDir>`) or opens the run
// as `--resume` does (`resume <dir>`: RunWriter.open, then every finished attempt's key). Prints one JSON line:
// {phase timings in ms, max_rss_mib (process.resourceUsage().maxRSS), counts}. `stream-keys <dir>`
// reads only the keys, line by line (bench/lib/scan-keys.ts), for comparison.
import { performance } from 'node:perf_hooks';
import { readRun, RunWriter } from '../src/store/store.ts';
import { buildReport } from '../src/report/build.ts';
import { scanKeys } from './lib/scan-keys.ts';

const [mode, dir, outDir] = process.argv.slice(2);
const rssMiB = () => process.resourceUsage().maxRSS / 1024;
const baseRss = rssMiB();
const t0 = performance.now();
if (mode === 'stream-keys') {
  const keys = await scanKeys(`${dir}/attempts.jsonl`);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ read_ms: ms, total_ms: ms, keys: keys.size, records: keys.size, base_rss_mib: baseRss, max_rss_mib: rssMiB() }) + '\n');
  process.exit(0);
}
// resume opens the run as `fixbench run --resume` does (RunWriter.open: read every record, cut a torn last line).
const run = mode === 'resume' ? (await RunWriter.open(dir!)).run : await readRun(dir!);
const t1 = performance.now();
let out: Record<string, number>;
if (mode === 'report') {
  const file = await buildReport({ header: run.header, attempts: run.attempts, outDir: outDir! });
  const t2 = performance.now();
  const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
  out = { read_ms: t1 - t0, build_ms: t2 - t1, total_ms: t2 - t0, html_bytes: size };
} else if (mode === 'resume') {
  const done = new Set(run.attempts.map((a) => a.key));
  const t2 = performance.now();
  out = { read_ms: t1 - t0, keys_ms: t2 - t1, total_ms: t2 - t0, keys: done.size };
} else {
  throw new Error(`usage: scale-child.ts report <results-dir> <out-dir> | resume <results-dir> (got ${mode})`);
}
process.stdout.write(JSON.stringify({ ...out, records: run.attempts.length, base_rss_mib: baseRss, max_rss_mib: rssMiB() }) + '\n');
