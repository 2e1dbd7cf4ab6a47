// Scale of analysis: a seeded synthetic run of 100,000 attempt records (a real results folder),
// then in child processes (so peak memory is theirs alone): the report built through the public
// reader and builder, and the scan resume makes of finished attempts.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeSyntheticRun } from './lib/synthetic.ts';
import { single, timed } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Bench's own targets for 100,000 records on a 2-core machine. */
export const SCALE_TARGETS = {
  reportMs: { op: '<=', limit: 20_000, unit: ' ms' },
  reportMiB: { op: '<=', limit: 1024, unit: ' MiB' },
  resumeMs: { op: '<=', limit: 3_000, unit: ' ms' },
  resumeMiB: { op: '<=', limit: 512, unit: ' MiB' },
} as const;

interface ChildResult {
  read_ms: number;
  total_ms: number;
  build_ms?: number;
  keys_ms?: number;
  html_bytes?: number;
  records: number;
  base_rss_mib: number;
  max_rss_mib: number;
}

export async function benchScale(ctx: BenchContext): Promise<SectionResult> {
  const records = ctx.quick ? 10_000 : 100_000;
  const dir = path.join(ctx.scratch, 'synthetic', 'bench-synthetic');
  ctx.log(`scale: writing ${records.toLocaleString('en-US')} synthetic attempt records (seed 9), then report and resume scan in child processes`);
  const t0 = performance.now();
  const { bytes } = await writeSyntheticRun(dir, { records, seed: 9 });
  const genMs = performance.now() - t0;
  const child = async (...args: string[]): Promise<ChildResult> => {
    const r = await timed(process.execPath, ['--import', 'tsx', path.join(ctx.root, 'bench', 'scale-child.ts'), ...args], { cwd: ctx.root });
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  };
  const report = await child('report', dir, path.join(ctx.scratch, 'synthetic-report'));
  const resume = await child('resume', dir);
  const stream = await child('stream-keys', dir);
  const n = records.toLocaleString('en-US');
  const full = !ctx.quick; // the targets are for 100,000 records
  const t = <K extends keyof typeof SCALE_TARGETS>(k: K) => (full ? SCALE_TARGETS[k] : null);
  return {
    section: 'scale',
    measurements: [
      single(`scale: report of ${n} records (readRun + buildReport)`, report.total_ms, ' ms', t('reportMs'), 0),
      single(`scale: report peak memory (max RSS)`, report.max_rss_mib, ' MiB', t('reportMiB'), 0),
      single(`scale: resume scan of ${n} records (RunWriter.open + finished keys)`, resume.total_ms, ' ms', t('resumeMs'), 0),
      single(`scale: resume scan peak memory (max RSS)`, resume.max_rss_mib, ' MiB', t('resumeMiB'), 0),
    ],
    profile: [
      `synthetic run: ${(bytes / 2 ** 20).toFixed(0)} MiB of attempts.jsonl (${(bytes / records).toFixed(0)} bytes per record), written and schema-checked in ${genMs.toFixed(0)} ms`,
      `report: readRun ${report.read_ms.toFixed(0)} ms (JSON.parse + zod per line), buildReport ${report.build_ms!.toFixed(0)} ms (view model, chart, HTML of ${((report.html_bytes ?? 0) / 2 ** 20).toFixed(1)} MiB); RSS before reading ${report.base_rss_mib.toFixed(0)} MiB (node + tsx + modules)`,
      `resume scan: RunWriter.open ${resume.read_ms.toFixed(0)} ms, key set ${resume.keys_ms!.toFixed(0)} ms; RSS before reading ${resume.base_rss_mib.toFixed(0)} MiB`,
      `for comparison, keys read line by line without readRun (bench/lib/scan-keys.ts): ${stream.total_ms.toFixed(0)} ms, max RSS ${stream.max_rss_mib.toFixed(0)} MiB`,
    ],
    notes: [],
  };
}
