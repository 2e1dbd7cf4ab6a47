// Tamper evidence cost: the bundled suite's gold patches graded with canaries and the second
// result channel (the default) and without (`canaries: false`), in-process through `evaluate`
// (local sandbox, environment cache warm), then each evaluation's test command re-run in its own
// workspace as interleaved ABBA pairs, timed by wall clock and by the CPU of its process tree.
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TaskSpec } from '../src/config/task.ts';
import { evaluate } from '../src/evaluation/evaluate.ts';
import { LocalSandbox } from '../src/sandbox/local.ts';
import type { ExecOptions, Sandbox } from '../src/sandbox/types.ts';
import { loadTasks } from '../src/tasks/load.ts';
import { EnvCache, RepoCache } from '../src/workspace/index.ts';
import { single } from './lib/measure.ts';
import { offFirst, perTaskAdded, suiteAddedOfMedians, suiteAddedPercent, type CostPair, type RunCost } from './lib/paired-cost.ts';
import { summarize } from './lib/stats.ts';
import { childCpuMs, withTreeCpu } from './lib/tree-cpu.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Added test time of canaries + second channel, percent of the test time without them (issue 14). */
export const CANARY_TARGET = { op: '<=', limit: 5, unit: '%' } as const;

/** A test run as an evaluation made it: its command and options (to run again), exit code and cost. */
interface TestRun {
  cmd: string;
  opts: ExecOptions;
  exitCode: number | null;
  cost: RunCost;
}

/** One evaluation: its test run, its whole wall time and fixbench's own CPU in it (ms). */
interface Evaluated {
  test: TestRun;
  wallMs: number;
  hostCpuMs: number;
  dir: string;
}

const ms = (xs: number[]): string => {
  const s = summarize(xs);
  return `${s.median.toFixed(0)} ms [${s.min.toFixed(0)}–${s.max.toFixed(0)}]`;
};
const pct = (xs: number[]): string => {
  const s = summarize(xs);
  return `${s.median.toFixed(1)}% [${s.min.toFixed(1)}–${s.max.toFixed(1)}]`;
};

/**
 * One task per repository (`--thorough`: every bundled task; `--quick`: one round, one re-run).
 * A warm-up round (discarded) evaluates every task once (with tamper evidence for every second task); then each of
 * `rounds` rounds evaluates it again both ways (fresh checkouts, canaries drawn anew, which goes
 * first alternating by round and task) and re-runs the two evaluations' test commands `reruns`
 * times in their own workspaces, in ABBA order along each task's re-runs. Checked figure, from the
 * re-runs: Σ over tasks of the median paired difference of the test command's wall time ÷ Σ of
 * its median without (`suiteAddedOfMedians`). Beside it the same for the CPU time (user + system)
 * of the test command's whole process tree; per slot (the k-th re-run pair of every task) ratios
 * of sums in the profile. The profile also gives the evaluations'
 * own test runs, the whole evaluation (wall, and fixbench's own CPU: planning, writing, the second
 * parse) and per task the added ms, split for a task with a second channel into canaries alone and
 * the second reporter alone.
 */
export async function benchCanary(ctx: BenchContext): Promise<SectionResult> {
  const all = await loadTasks(path.join(ctx.root, 'tasks'));
  const tasks = ctx.thorough ? all : [...new Map(all.map((t) => [t.repo, t])).values()];
  const rounds = ctx.quick ? 1 : ctx.thorough ? 3 : 2;
  const reruns = ctx.quick ? 1 : 3;
  const local = new LocalSandbox();
  const repoCache = new RepoCache({ tasksDir: path.join(ctx.root, 'tasks'), cacheDir: path.join(ctx.scratch, 'canary-repos') });
  const envCache = new EnvCache(path.join(ctx.scratch, 'canary-env'));
  const timesFile = path.join(ctx.scratch, 'canary-times');
  const run = async (cmd: string, opts: ExecOptions): Promise<TestRun> => {
    const r = await local.exec(withTreeCpu(cmd, timesFile), opts);
    return { cmd, opts, exitCode: r.exitCode, cost: { wallMs: r.durationMs, cpuMs: childCpuMs(await readFile(timesFile, 'utf8')) } };
  };
  // What evaluate sees: the local sandbox, the test command (its one exec without network) timed with its tree's CPU.
  let seen: TestRun | null = null;
  const sandbox: Sandbox = {
    kind: 'local',
    exec: async (cmd, opts) => {
      if (opts.network) return local.exec(cmd, opts);
      if (seen) throw new Error(`evaluate ran a second command without network: ${cmd}`);
      const r = await local.exec(withTreeCpu(cmd, timesFile), opts);
      seen = { cmd, opts, exitCode: r.exitCode, cost: { wallMs: r.durationMs, cpuMs: childCpuMs(await readFile(timesFile, 'utf8')) } };
      return r;
    },
  };
  const evaluation = async (t: TaskSpec, on: boolean, dir: string): Promise<Evaluated> => {
    seen = null;
    await mkdir(dir, { recursive: true });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await evaluate({ task: t, modelPatch: t.patch, sandbox, repoCache, envCache, workDir: dir, canaries: on, removeWorkspace: false });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (r.outcome !== 'resolved') throw new Error(`${t.instance_id} gold is ${r.outcome} with canaries ${on ? 'on' : 'off'}: ${r.error ?? ''}`);
    const test = seen as TestRun | null;
    if (!test) throw new Error(`${t.instance_id}: evaluate ran no test command`);
    return { test, wallMs, hostCpuMs: (cpu.user + cpu.system) / 1000, dir };
  };

  const slots: CostPair[][] = Array.from({ length: rounds * reruns }, () => []);
  const evalPairs: CostPair[][] = Array.from({ length: rounds }, () => []);
  const whole: { task: string; off: Evaluated; on: Evaluated }[] = [];
  const split: { task: string; off: RunCost; canaries: RunCost; channel: RunCost }[] = [];
  try {
    for (let round = 0; round <= rounds; round++) {
      for (const [ti, t] of tasks.entries()) {
        const dir = (mode: string): string => path.join(ctx.scratch, 'canary-work', `${round}-${ti}-${mode}`);
        if (round === 0) {
          // Warm-up, discarded: one evaluation per task (the env cache filled, npx's cache, the canary planner's modules loaded).
          const w = await evaluation(t, ti % 2 === 1, dir('warm'));
          await rm(w.dir, { recursive: true, force: true });
          continue;
        }
        const got: Partial<Record<'off' | 'on', Evaluated>> = {};
        for (const mode of (round + ti) % 2 === 1 ? (['off', 'on'] as const) : (['on', 'off'] as const)) got[mode] = await evaluation(t, mode === 'on', dir(mode));
        const off = got.off!, on = got.on!;
        try {
          evalPairs[round - 1]!.push({ task: t.instance_id, off: off.test.cost, on: on.test.cost });
          whole.push({ task: t.instance_id, off, on });
          // The breakdown where the second channel changes the command (canaries alone, the second
          // reporter alone): in each round's first re-run (in every one with --thorough).
          const variants: Record<string, { cmd: string; opts: ExecOptions; exit: number | null }> = {
            off: { cmd: off.test.cmd, opts: off.test.opts, exit: off.test.exitCode },
            on: { cmd: on.test.cmd, opts: on.test.opts, exit: on.test.exitCode },
            ...(on.test.cmd === off.test.cmd ? {} : { canaries: { cmd: off.test.cmd, opts: on.test.opts, exit: on.test.exitCode }, channel: { cmd: on.test.cmd, opts: off.test.opts, exit: off.test.exitCode } }),
          };
          for (let k = 0; k < reruns; k++) {
            const names = k === 0 || ctx.thorough ? Object.keys(variants) : ['off', 'on'];
            const res: Record<string, RunCost> = {};
            for (const v of offFirst((round - 1) * reruns + k + ti) ? names : [...names].reverse()) {
              const r = await run(variants[v]!.cmd, variants[v]!.opts);
              if (r.exitCode !== variants[v]!.exit) throw new Error(`${t.instance_id}: the ${v} test command exited ${r.exitCode} when re-run, ${variants[v]!.exit} in its evaluation`);
              res[v] = r.cost;
            }
            slots[(round - 1) * reruns + k]!.push({ task: t.instance_id, off: res.off!, on: res.on! });
            if (res.canaries) split.push({ task: t.instance_id, off: res.off!, canaries: res.canaries, channel: res.channel! });
          }
          ctx.log(`canary: round ${round}/${rounds} ${t.instance_id}: re-runs without ${slots[round * reruns - 1]!.at(-1)!.off.wallMs.toFixed(0)} ms, with ${slots[round * reruns - 1]!.at(-1)!.on.wallMs.toFixed(0)} ms`);
        } finally {
          await rm(off.dir, { recursive: true, force: true });
          await rm(on.dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await local.cleanup();
  }
  const wall = suiteAddedOfMedians(slots.flat(), 'wallMs');
  const cpu = suiteAddedOfMedians(slots.flat(), 'cpuMs');
  const taskWall = perTaskAdded(slots.flat(), 'wallMs');
  const taskCpu = perTaskAdded(slots.flat(), 'cpuMs');
  const alone = (key: 'canaries' | 'channel', task: string): string => {
    const ps = split.filter((s) => s.task === task).map((s) => ({ task, off: s.off, on: s[key] }));
    return ps.length ? `${perTaskAdded(ps, 'cpuMs').get(task)!.addedMs.toFixed(0)} ms` : '';
  };
  const firstCpu = perTaskAdded(evalPairs.flat(), 'cpuMs');
  const runnerOf = (id: string): string => tasks.find((t) => t.instance_id === id)!.test_cmd.split(' ').slice(0, 2).join(' ');
  return {
    section: 'canary',
    measurements: [
      single('tamper evidence (canaries + second channel): added test time of the suite', wall, '%', CANARY_TARGET, 1),
      single('tamper evidence: added CPU time of the suite\'s test processes', cpu, '%', null, 1),
    ],
    profile: [
      `${tasks.length} task(s) × ${rounds} round(s) after a discarded warm-up round; per round and task a fresh evaluation with and without tamper evidence (gold patch, local sandbox, env cache warm, canaries drawn anew), then their two test commands re-run ${reruns}× in the evaluations' own workspaces as ABBA pairs: ${slots.length} slots of ${tasks.length} pairs`,
      `figures: Σ over tasks of the median paired difference ÷ Σ of the median run without (${slots.flat().length} pairs); per slot (Σ with ÷ Σ without − 1 over its ${tasks.length} pairs): wall ${pct(suiteAddedPercent(slots, 'wallMs'))}, CPU ${pct(suiteAddedPercent(slots, 'cpuMs'))}`,
      'added test time = the test command with the canaries in the test files and the second reporter on its command line, minus without: the copies\' own run, their failure reports, the second reporter\'s file; CPU = user + system of the command\'s whole process tree (bash `times`). Host-side work (planning and writing the canaries, reading and parsing the second report, judging) is not test time: it is in the whole-evaluation line',
      `the evaluations' own test runs (fresh checkout), per round: wall ${pct(suiteAddedPercent(evalPairs, 'wallMs'))}, CPU ${pct(suiteAddedPercent(evalPairs, 'cpuMs'))}`,
      `whole evaluation (checkout to verdict), added per task and round: wall ${ms(whole.map((w) => w.on.wallMs - w.off.wallMs))}; fixbench's own CPU ${ms(whole.map((w) => w.on.hostCpuMs - w.off.hostCpuMs))} (of ${ms(whole.map((w) => w.off.hostCpuMs))} without)`,
      ...[...taskWall].map(([id, w]) => {
        const c = taskCpu.get(id)!;
        const parts = alone('canaries', id) ? `; of it canaries alone ${alone('canaries', id)}, second reporter alone ${alone('channel', id)} CPU` : '';
        const f = firstCpu.get(id)!;
        return `${id} (${runnerOf(id)}): without ${w.offMs.toFixed(0)} ms wall, ${c.offMs.toFixed(0)} ms CPU; added ${w.addedMs.toFixed(0)} ms wall, ${c.addedMs.toFixed(0)} ms CPU (median of ${w.n} pairs)${parts}; in the evaluations' own runs ${f.addedMs.toFixed(0)} ms CPU added to ${f.offMs.toFixed(0)} (median of ${f.n})`;
      }),
    ],
    notes: ['Second channel: node --test tasks only (fixbench\'s lean TAP reporter beside JUnit, src/evaluation/channel-reporter.ts); mocha and vitest tasks carry canaries alone (src/evaluation/channels.ts).'],
  };
}
