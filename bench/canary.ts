// Tamper evidence cost: the bundled suite's gold patches graded with canaries and the second
// result channel (the default) and without (`canaries: false`), interleaved in random order per
// task, in-process through `evaluate` (local sandbox, environment cache warm after the first run).
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluate } from '../src/evaluation/evaluate.ts';
import { LocalSandbox } from '../src/sandbox/local.ts';
import { loadTasks } from '../src/tasks/load.ts';
import { EnvCache, RepoCache } from '../src/workspace/index.ts';
import { measurement } from './lib/measure.ts';
import { summarize } from './lib/stats.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Added test time of canaries + second channel, percent of the test time without them (issue 14). */
export const CANARY_TARGET = { op: '<=', limit: 5, unit: '%' } as const;

/**
 * One task per repository × 2 rounds (`--thorough`: every bundled task × 2 rounds; `--quick`: one
 * task per repository × 1 round):
 * each round grades the gold patch once with and once without tamper evidence, in random order.
 * Figure (the cost on the suite): per round, (Σ test_ms with − Σ test_ms without) / Σ test_ms
 * without, in percent; the median over rounds is checked. The profile gives the median of the
 * per-pair ratios (one task, one round: on a shared machine their spread is ±50%, so single
 * pairs say little), the same ratio for the whole evaluation's wall time (host-side planning,
 * writing and the second parse included), and sums per runner.
 */
export async function benchCanary(ctx: BenchContext): Promise<SectionResult> {
  const all = await loadTasks(path.join(ctx.root, 'tasks'));
  const tasks = ctx.thorough ? all : [...new Map(all.map((t) => [t.repo, t])).values()];
  const reps = ctx.quick ? 1 : 2;
  const sandbox = new LocalSandbox();
  const repoCache = new RepoCache({ tasksDir: path.join(ctx.root, 'tasks'), cacheDir: path.join(ctx.scratch, 'canary-repos') });
  const envCache = new EnvCache(path.join(ctx.scratch, 'canary-env'));
  const workDir = path.join(ctx.scratch, 'canary-work');
  const one = async (t: (typeof tasks)[number], on: boolean): Promise<{ test: number; wall: number }> => {
    const t0 = performance.now();
    const r = await evaluate({ task: t, modelPatch: t.patch, sandbox, repoCache, envCache, workDir, canaries: on });
    const wall = performance.now() - t0;
    if (r.outcome !== 'resolved') throw new Error(`${t.instance_id} gold is ${r.outcome} with canaries ${on ? 'on' : 'off'}: ${r.error ?? ''}`);
    return { test: r.test_ms, wall };
  };
  try {
    // Warm the repository checkouts and environment cache once per repository.
    for (const t of new Map(tasks.map((x) => [x.repo, x])).values()) await one(t, false);
    const pct: number[] = [];
    const roundPct: number[] = [];
    const wallPct: number[] = [];
    const perRunner = new Map<string, { on: number; off: number }>();
    for (let rep = 0; rep < reps; rep++) {
      let on = 0, off = 0, wallOn = 0, wallOff = 0;
      for (const t of tasks) {
        const order = randomInt(2) === 0 ? [true, false] : [false, true];
        const pair: Record<string, number> = {};
        for (const mode of order) {
          const m = await one(t, mode);
          if (mode) { on += m.test; wallOn += m.wall; } else { off += m.test; wallOff += m.wall; }
          pair[String(mode)] = m.test;
          const runner = t.test_cmd.split(' ').slice(0, 3).join(' ');
          const agg = perRunner.get(runner) ?? { on: 0, off: 0 };
          agg[mode ? 'on' : 'off'] += m.test;
          perRunner.set(runner, agg);
        }
        pct.push(((pair.true! - pair.false!) / pair.false!) * 100);
        ctx.log(`canary: round ${rep + 1}/${reps} ${t.instance_id}: ${pair.false} ms without, ${pair.true} ms with`);
      }
      roundPct.push(((on - off) / off) * 100);
      wallPct.push(((wallOn - wallOff) / wallOff) * 100);
    }
    const w = summarize(wallPct);
    const r = summarize(roundPct);
    const p = summarize(pct);
    return {
      section: 'canary',
      measurements: [measurement('tamper evidence (canaries + second channel): added test time of the suite', r, '%', CANARY_TARGET, 1)],
      profile: [
        `${tasks.length} task(s) × ${reps} round(s), gold patch, local sandbox, env cache warm`,
        `added test time per pair (one task, one round): median ${p.median.toFixed(1)}% [${p.min.toFixed(1)}–${p.max.toFixed(1)}]`,
        `added wall time of the whole evaluation, per round: median ${w.median.toFixed(1)}% [${w.min.toFixed(1)}–${w.max.toFixed(1)}]`,
        ...[...perRunner].map(([r, a]) => `${r}: test time ${(a.off / 1000).toFixed(1)} s without, ${(a.on / 1000).toFixed(1)} s with (${(((a.on - a.off) / a.off) * 100).toFixed(1)}%)`),
      ],
      notes: ['Second channel: node --test tasks only (TAP beside JUnit); mocha and vitest tasks carry canaries alone (src/evaluation/channels.ts).'],
    };
  } finally {
    await sandbox.cleanup();
  }
}
