// Scale of analysis: a seeded synthetic run of 100,000 attempt records (a real results folder),
// then in child processes (so peak memory is theirs alone): the report built through the public
// reader and builder, and the scan resume makes of finished attempts.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeSyntheticRun } from './lib/synthetic.ts';
import { compileBuiltChild } from './lib/built-child.ts';
import { single, timed } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Targets for 100,000 records on a 2-core machine (issue 18, deliverable 4). */
export const SCALE_TARGETS = {
  reportMs: { op: '<=', limit: 3_000, unit: ' ms' },
  reportMiB: { op: '<=', limit: 400, unit: ' MiB' },
  resumeMs: { op: '<=', limit: 1_000, unit: ' ms' },
  resumeMiB: { op: '<=', limit: 200, unit: ' MiB' },
} as const;

interface ChildResult {
  total_ms: number;
  /** The child's whole process as the bench saw it: node's start, loading dist/'s modules, the work, exit (ms). */
  process_ms: number;
  sidecar?: number;
  read_ms?: number;
  keys_ms?: number;
  again_ms?: number;
  html_bytes?: number;
  records?: number;
  base_rss_mib: number;
  max_rss_mib: number;
}

export async function benchScale(ctx: BenchContext): Promise<SectionResult> {
  const records = ctx.quick ? 10_000 : 100_000;
  const dir = path.join(ctx.scratch, 'synthetic', 'bench-synthetic');
  ctx.log(`scale: writing ${records.toLocaleString('en-US')} synthetic attempt records (seed 9), then report index, resume scan and attempt pages in child processes`);
  const t0 = performance.now();
  const { bytes } = await writeSyntheticRun(dir, { records, seed: 9 });
  const genMs = performance.now() - t0;
  // the children run the compiled code users run (dist/, no tsx): scale-child.ts compiled with its
  // src/ imports pointing into dist/ (bench/lib/built-child.ts)
  const childJs = path.join(ctx.scratch, 'scale-child.mjs');
  await compileBuiltChild(ctx.root, path.join(ctx.root, 'bench', 'scale-child.ts'), childJs);
  const child = async (...args: string[]): Promise<ChildResult> => {
    const r = await timed(process.execPath, [childJs, ...args], { cwd: ctx.root });
    return { ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult), process_ms: r.ms };
  };
  const reportDir = path.join(ctx.scratch, 'synthetic-report');
  const report = await child('report', dir, reportDir);
  // the synthetic run has no sidecar index (as a run of an older fixbench): the first resume scans
  // attempts.jsonl and writes it; the second reads it, as every resume of a run this fixbench wrote
  const resumeFirst = await child('resume', dir);
  const resume = await child('resume', dir);
  const source = await child('index-source', dir);
  const whole = await child('read-run', dir);
  const pages = await child('pages', dir, reportDir);
  const n = records.toLocaleString('en-US');
  const full = !ctx.quick; // the targets are for 100,000 records
  const t = <K extends keyof typeof SCALE_TARGETS>(k: K) => (full ? SCALE_TARGETS[k] : null);
  return {
    section: 'scale',
    measurements: [
      single(`scale: report index page of ${n} records (fixbench report as built: projected records → index.html, in the process after its modules loaded)`, report.total_ms, ' ms', t('reportMs'), 0),
      single(`scale: report index page, whole process (node start, dist/'s unbundled modules, the build, exit)`, report.process_ms, ' ms', null, 0),
      single(`scale: report index peak memory (max RSS)`, report.max_rss_mib, ' MiB', t('reportMiB'), 0),
      single(`scale: resume scan of ${n} records (run --resume as built: RunWriter.open, keys, outcome and spend from the sidecar index, in the process)`, resume.total_ms, ' ms', t('resumeMs'), 0),
      single(`scale: resume scan, whole process (node start, dist/'s unbundled modules, the scan, exit)`, resume.process_ms, ' ms', null, 0),
      single(`scale: resume scan peak memory (max RSS)`, resume.max_rss_mib, ' MiB', t('resumeMiB'), 0),
      single(`scale: every attempt page of ${n} records, first build`, pages.total_ms, ' ms', null, 0),
      single(`scale: attempt pages rebuilt with nothing changed (incremental)`, pages.again_ms!, ' ms', null, 0),
    ],
    profile: [
      `synthetic run: ${(bytes / 2 ** 20).toFixed(0)} MiB of attempts.jsonl (${(bytes / records).toFixed(0)} bytes per record), written and schema-checked in ${genMs.toFixed(0)} ms`,
      `children: bench/scale-child.ts compiled against dist/ (the built modules, no tsx); the checked times are in the process, from after its modules loaded (as before); the whole-process times (node start and dist/'s unbundled modules, ~0.3–0.5 s more than the CLI's bundle would load for this) are printed beside them`,
      `report index: ${report.total_ms.toFixed(0)} ms in the process (${report.process_ms.toFixed(0)} ms whole), index.html ${((report.html_bytes ?? 0) / 2 ** 20).toFixed(1)} MiB; RSS before reading ${report.base_rss_mib.toFixed(0)} MiB (node + built modules); attempts.jsonl read from the start by two threads taking ~4 MiB ranges as they go (src/store/scan-share.ts), only the index's columns decoded`,
      `resume scan (RunWriter.open as run --resume, sidecar attempts.index.jsonl ${source.sidecar ? 'read as written' : 'NOT trusted: rebuilt'}): read ${resume.read_ms!.toFixed(0)} ms in the process (${resume.process_ms.toFixed(0)} ms whole), key set and spend ${resume.keys_ms!.toFixed(0)} ms; RSS before reading ${resume.base_rss_mib.toFixed(0)} MiB`,
      `first resume of a run without a sidecar (older fixbench: streaming scan of attempts.jsonl, then the sidecar written): ${resumeFirst.total_ms.toFixed(0)} ms, max RSS ${resumeFirst.max_rss_mib.toFixed(0)} MiB`,
      `for comparison, readRun (every field of every record): ${whole.total_ms.toFixed(0)} ms, max RSS ${whole.max_rss_mib.toFixed(0)} MiB`,
      `attempt pages: first build ${pages.total_ms.toFixed(0)} ms, again with nothing changed ${pages.again_ms!.toFixed(0)} ms; max RSS ${pages.max_rss_mib.toFixed(0)} MiB`,
    ],
    notes: [],
  };
}
