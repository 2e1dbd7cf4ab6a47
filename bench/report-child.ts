// Child process of the report bench (bench/report.ts): builds the report of the seeded synthetic run
// of 20 models × 500 tasks × 3 attempts (bench/lib/synthetic.ts `syntheticRun`) with the source
// tree at <root> — the current one, or the baseline commit's — into <outDir>, attempt pages
// included. With a run folder as third argument, builds that run's report instead, as `fixbench
// report` does (`buildReportFromRun`: projected records for the index, whole records per page).
// Prints one JSON line: build_ms (wall), cpu_ms (user + system of this process during the build),
// index_bytes, pages_bytes (all attempt pages and the files beside them under attempts/), pages.
//
//   node --import tsx bench/report-child.ts <root> <outDir> [<runDir>]
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [root, outDir, runDir] = process.argv.slice(2);
if (!root || !outDir) throw new Error('usage: report-child.ts <source root> <out dir> [<run dir>]');
const { buildReport } = (await import(pathToFileURL(path.join(root, 'src/report/build.ts')).href)) as typeof import('../src/report/build.ts');
const { syntheticRun } = (await import(pathToFileURL(path.join(root, 'bench/lib/synthetic.ts')).href)) as typeof import('./lib/synthetic.ts');
const fromRun = runDir ? ((await import(pathToFileURL(path.join(root, 'src/report/build-run.ts')).href)) as typeof import('../src/report/build-run.ts')).buildReportFromRun : null;
const synthetic = fromRun ? null : syntheticRun();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const index = fromRun ? await fromRun({ runDir: runDir!, outDir }) : await buildReport({ ...synthetic!, outDir });
const buildMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
let pagesBytes = 0;
let pages = 0;
const attemptsDir = path.join(outDir, 'attempts');
// pages in attempts/<c>/, plus what the pages share beside them (a stylesheet, the incremental build's manifest), counted in the bytes
for (const c of await readdir(attemptsDir, { withFileTypes: true })) {
  const p = path.join(attemptsDir, c.name);
  if (!c.isDirectory()) {
    pagesBytes += (await stat(p)).size;
    continue;
  }
  for (const f of await readdir(p)) {
    pagesBytes += (await stat(path.join(p, f))).size;
    pages += 1;
  }
}
process.stdout.write(JSON.stringify({ build_ms: buildMs, cpu_ms: (cpu.user + cpu.system) / 1000, index_bytes: (await stat(index)).size, pages_bytes: pagesBytes, pages }) + '\n');
