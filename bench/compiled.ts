// The compiled CLI: start-up of bin/fixbench.mjs (dist/, plain JavaScript) against the same sources
// run through tsx (bench/lib/fixbench-tsx.mjs, what bin/ did before), interleaved; and one run of
// the bundled tasks (gold + noop; one per repository, all with --thorough) by each, whose records, logs and report must be the same apart
// from times (bench/lib/same-run.ts).
import path from 'node:path';
import { loadTasks } from '../src/tasks/load.ts';
import { sameApartFromTimes } from './lib/same-run.ts';
import { pairedRatio, summarize } from './lib/stats.ts';
import { measurement, single, timed } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Records and report of the compiled CLI differing from the uncompiled one's: none allowed (issue 18). */
export const SAME_RUN_TARGET = { op: '<=', limit: 0, unit: '' } as const;

export async function benchCompiled(ctx: BenchContext): Promise<SectionResult> {
  const compiled = path.join(ctx.root, 'bin', 'fixbench.mjs');
  const sources = path.join(ctx.root, 'bench', 'lib', 'fixbench-tsx.mjs');
  const reps = ctx.quick ? 2 : 6;
  ctx.log(`compiled: \`fixbench --version\` compiled vs through tsx, ${reps} pairs interleaved; then the bundled tasks (gold + noop) run by each`);
  const version = async (entry: string) => (await timed(process.execPath, [entry, '--version'], { cwd: ctx.root })).ms;
  await version(compiled);
  await version(sources); // warm-up: tsx's transform cache
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    if (i % 2 === 0) {
      a.push(await version(compiled));
      b.push(await version(sources));
    } else {
      b.push(await version(sources));
      a.push(await version(compiled));
    }
  }
  // One task per repository (so every test runner of the suite), every task with --thorough.
  const all = (await loadTasks(path.join(ctx.root, 'tasks'))).sort((x, y) => x.instance_id.localeCompare(y.instance_id));
  const chosen = (ctx.quick ? all.slice(0, 1) : ctx.thorough ? all : [...new Map(all.map((t) => [t.repo, t])).values()]).map((t) => t.instance_id);
  const run = async (entry: string, side: string) => {
    const r = await timed(process.execPath, [entry, 'run', '--no-models', '--task', chosen.join(','), '--sandbox', 'local', '--run-id', 'same',
      '--results', path.join(ctx.scratch, side, 'results'), '--reports', path.join(ctx.scratch, side, 'reports')], { cwd: ctx.root, env: { ...process.env, OPENROUTER_API_KEY: '' } as Record<string, string> });
    return r.ms;
  };
  const runMs = { compiled: await run(compiled, 'compiled'), sources: await run(sources, 'sources') };
  const dir = (side: string, kind: string) => path.join(ctx.scratch, side, kind, 'same');
  const problems = [...(await sameApartFromTimes(dir('compiled', 'results'), dir('sources', 'results'))), ...(await sameApartFromTimes(dir('compiled', 'reports'), dir('sources', 'reports')))];
  return {
    section: 'compiled',
    measurements: [
      measurement('compiled: start-up (`fixbench --version`), compiled ÷ through tsx', pairedRatio(a, b), '×', null),
      measurement('compiled: start-up of the compiled CLI', summarize(a), 'ms', null, 0),
      single(`compiled: files of the run of ${chosen.length} bundled task(s) differing from the uncompiled CLI's, apart from times`, problems.length, '', SAME_RUN_TARGET, 0),
    ],
    profile: [
      `start-up: compiled ${summarize(a).median.toFixed(0)} ms, through tsx ${summarize(b).median.toFixed(0)} ms (medians of ${reps})`,
      `the run of ${chosen.length} task(s) × gold, noop: compiled ${(runMs.compiled / 1000).toFixed(1)} s, through tsx ${(runMs.sources / 1000).toFixed(1)} s (one each, not interleaved: informative)`,
      ...problems.slice(0, 5).map((p) => `differs: ${p}`),
    ],
    notes: [],
  };
}
