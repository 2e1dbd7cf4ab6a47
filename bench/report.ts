// Report build at 20 models × 500 tasks × 3 attempts (issue 16's must-show): the current tree against
// the tree before issue 16 (REPORT_BASELINE_COMMIT, exported with `git archive` into the scratch
// folder), each build in its own child process (bench/report-child.ts), in interleaved pairs
// (A, B, B, A, …). Checked: wall time and CPU time ratios (current ÷ baseline, median of pairs) ≤ 1,
// and the index page's size ≤ the baseline's.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { measurement, single, timed } from './lib/measure.ts';
import { pairedRatio, summarize } from './lib/stats.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** The last commit of main before issue 16's report changes (bench/RESULTS.md: 1,080,316 bytes of index.html there). */
export const REPORT_BASELINE_COMMIT = '6b83a6b';

interface Build {
  build_ms: number;
  cpu_ms: number;
  index_bytes: number;
  pages_bytes: number;
  pages: number;
}

export async function benchReport(ctx: BenchContext): Promise<SectionResult> {
  const baseline = path.join(ctx.scratch, 'report-baseline');
  await mkdir(baseline, { recursive: true });
  execFileSync('sh', ['-c', `git -C "$1" archive "$2" src bench/lib package.json | tar -x -C "$3"`, 'sh', ctx.root, REPORT_BASELINE_COMMIT, baseline]);
  await symlink(path.join(ctx.root, 'node_modules'), path.join(baseline, 'node_modules'));
  const build = async (root: string, i: number): Promise<Build> => {
    const out = path.join(ctx.scratch, `report-${i}`);
    const r = await timed(process.execPath, ['--import', 'tsx', path.join(ctx.root, 'bench', 'report-child.ts'), root, out], { cwd: ctx.root });
    await rm(out, { recursive: true, force: true });
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Build;
  };
  const pairs = ctx.quick ? 1 : ctx.thorough ? 4 : 2;
  const cur: Build[] = [];
  const base: Build[] = [];
  for (let i = 0; i < pairs; i++) {
    ctx.log(`report: pair ${i + 1} of ${pairs} (20 × 500 × 3, current and ${REPORT_BASELINE_COMMIT})`);
    if (i % 2 === 0) {
      cur.push(await build(ctx.root, 2 * i));
      base.push(await build(baseline, 2 * i + 1));
    } else {
      base.push(await build(baseline, 2 * i));
      cur.push(await build(ctx.root, 2 * i + 1));
    }
  }
  const le1 = { op: '<=', limit: 1, unit: '×' } as const;
  const c = cur[0]!;
  const b = base[0]!;
  return {
    section: 'report',
    measurements: [
      measurement(`report 20×500×3: build wall time, current ÷ ${REPORT_BASELINE_COMMIT}`, pairedRatio(cur.map((x) => x.build_ms), base.map((x) => x.build_ms)), '×', le1),
      measurement(`report 20×500×3: build CPU time, current ÷ ${REPORT_BASELINE_COMMIT}`, pairedRatio(cur.map((x) => x.cpu_ms), base.map((x) => x.cpu_ms)), '×', le1),
      single(`report 20×500×3: index.html bytes (baseline ${b.index_bytes.toLocaleString('en-US')})`, c.index_bytes, ' B', { op: '<=', limit: b.index_bytes, unit: ' B' }, 0),
      single(`report 20×500×3: attempt pages bytes (baseline ${b.pages_bytes.toLocaleString('en-US')})`, c.pages_bytes, ' B', { op: '<=', limit: b.pages_bytes, unit: ' B' }, 0),
    ],
    profile: [
      `current: build ${summarize(cur.map((x) => x.build_ms)).median.toFixed(0)} ms wall, ${summarize(cur.map((x) => x.cpu_ms)).median.toFixed(0)} ms CPU (median of ${pairs}); ${c.pages} attempt pages`,
      `${REPORT_BASELINE_COMMIT}: build ${summarize(base.map((x) => x.build_ms)).median.toFixed(0)} ms wall, ${summarize(base.map((x) => x.cpu_ms)).median.toFixed(0)} ms CPU (median of ${pairs}); ${b.pages} attempt pages`,
    ],
    notes: [],
  };
}
