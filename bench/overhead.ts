// Overhead: `fixbench run --no-models` (the gold and noop reference agents) against
// bench/manual-baseline.sh doing the same steps by hand, interleaved, at concurrency 1.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTasks } from '../src/tasks/load.ts';
import { readRun } from '../src/store/store.ts';
import { resolveRepoSource } from '../src/workspace/repo-source.ts';
import type { TaskSpec } from '../src/config/task.ts';
import { pairedRatio, ratio, summarize, median } from './lib/stats.ts';
import { measurement, single, timed } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Fixbench ÷ script wall time at concurrency 1 must stay at or under this (issue 9). */
export const OVERHEAD_TARGET = { op: '<=', limit: 1.1, unit: '×' } as const;

/** Tasks the overhead and concurrency benches use at most, so the bench stays within minutes as the suite grows. */
export const MAX_BENCH_TASKS = 3;

/**
 * The tasks the overhead and concurrency benches use, by rule: the tasks whose `setup` is empty
 * (no dependency install, so both sides do the same work and no network is involved), taken
 * round-robin across repositories in instance_id order (so every test runner of the suite is
 * represented), at most `MAX_BENCH_TASKS`; `--quick` keeps the first.
 * @throws Error when no task qualifies.
 */
export async function selectTasks(root: string, quick: boolean): Promise<TaskSpec[]> {
  const chosen = pickTasks(await loadTasks(path.join(root, 'tasks')), quick ? 1 : MAX_BENCH_TASKS);
  if (!chosen.length) throw new Error('no bundled task has an empty setup: the overhead bench has nothing to compare');
  return chosen;
}

/** The selection rule of `selectTasks`, pure: empty setup, round-robin over repos, at most `max`. */
export function pickTasks(tasks: readonly TaskSpec[], max: number): TaskSpec[] {
  const byRepo = new Map<string, TaskSpec[]>();
  for (const t of [...tasks].sort((a, b) => a.instance_id.localeCompare(b.instance_id))) {
    if (t.setup.trim() !== '') continue;
    byRepo.set(t.repo, [...(byRepo.get(t.repo) ?? []), t]);
  }
  const out: TaskSpec[] = [];
  for (let i = 0; out.length < max && [...byRepo.values()].some((l) => l.length > i); i++) {
    for (const list of byRepo.values()) if (list[i] && out.length < max) out.push(list[i]!);
  }
  return out;
}

/** The manifest manual-baseline.sh reads: one tab-separated line per task. */
export function manifest(tasks: TaskSpec[], tasksDir: string): string {
  return tasks
    .map((t) => {
      const src = resolveRepoSource(t.repo, tasksDir);
      const fields = [t.instance_id, src.location, t.base_commit, t.dir, t.test_cmd];
      if (fields.some((f) => /[\t\n]/.test(f))) throw new Error(`${t.instance_id}: a field holds a tab or newline; the manual baseline cannot carry it`);
      return fields.join('\t');
    })
    .join('\n') + '\n';
}

/** Arguments of `fixbench run` for the reference agents on `tasks`. */
export function fixbenchRunArgs(ctx: BenchContext, tasks: TaskSpec[], runId: string, extra: string[] = []): string[] {
  return [
    path.join(ctx.root, 'bin', 'fixbench.mjs'), 'run', '--no-models',
    '--task', tasks.map((t) => t.instance_id).join(','),
    '--results', path.join(ctx.scratch, 'results'), '--reports', path.join(ctx.scratch, 'reports'),
    '--run-id', runId, '--json', ...extra,
  ];
}

/**
 * Where a fixbench run's wall time went, from its own records (ms): outside the suite (start-up,
 * report), the harness work on the suite's critical path (the suite's span less its test commands:
 * at concurrency 1 tests never overlap, while a pipelined attempt's preparation overlaps the tests
 * before it, so Σ wall_ms − Σ test_ms would count that work though it costs no wall time), tests.
 */
export async function runProfile(ctx: BenchContext, runId: string, wallMs: number): Promise<{ outsideMs: number; harnessMs: number; testMs: number }> {
  const { header, attempts } = await readRun(path.join(ctx.scratch, 'results', runId));
  const suiteMs = Date.parse(header.finished_at!) - Date.parse(header.started_at);
  const testMs = attempts.reduce((s, a) => s + a.test_ms, 0);
  return { outsideMs: wallMs - suiteMs, harnessMs: suiteMs - testMs, testMs };
}

export async function benchOverhead(ctx: BenchContext): Promise<SectionResult> {
  const tasks = await selectTasks(ctx.root, ctx.quick);
  const tasksDir = path.join(ctx.root, 'tasks');
  const manifestFile = path.join(ctx.scratch, 'manifest.tsv');
  await writeFile(manifestFile, manifest(tasks, tasksDir));
  const reps = ctx.quick ? 1 : 3;
  ctx.log(`overhead: tasks with empty setup: ${tasks.map((t) => t.instance_id).join(', ')}; gold + noop, concurrency 1, sandbox local; ${reps} repetition(s) interleaved`);

  const script = path.join(ctx.root, 'bench', 'manual-baseline.sh');
  const runFixbench = async (id: string, sandbox: string) => {
    const r = await timed(process.execPath, fixbenchRunArgs(ctx, tasks, id, ['--concurrency', '1', '--sandbox', sandbox]), { cwd: ctx.root });
    return { ms: r.ms, profile: await runProfile(ctx, id, r.ms) };
  };
  const runScript = async () => {
    const r = await timed('bash', [script, manifestFile]);
    return { ms: r.ms, steps: JSON.parse(r.stdout.trim().split('\n').pop()!) as { clone_ms: number; apply_ms: number; test_ms: number } };
  };

  // Warm-up (untimed): the repo cache's mirrors, the OS file cache, the pre-flight verdicts.
  await runFixbench('bench-overhead-warmup', 'local');
  await runScript();

  const fb: Awaited<ReturnType<typeof runFixbench>>[] = [];
  const sh: Awaited<ReturnType<typeof runScript>>[] = [];
  const bw: number[] = [];
  for (let i = 0; i < reps; i++) {
    // Alternate the order so neither side always runs first after the other.
    if (i % 2 === 0) {
      fb.push(await runFixbench(`bench-overhead-${i}`, 'local'));
      sh.push(await runScript());
    } else {
      sh.push(await runScript());
      fb.push(await runFixbench(`bench-overhead-${i}`, 'local'));
    }
  }
  // Informative: the same run in the default bwrap sandbox, once, next to one more script run.
  if (!ctx.quick) {
    const b = await runFixbench('bench-overhead-bwrap', 'bwrap').catch(() => null);
    if (b) bw.push(ratio(b.ms, (await runScript()).ms));
  }
  const fbMs = fb.map((x) => x.ms);
  const shMs = sh.map((x) => x.ms);
  const measurements = [
    measurement('overhead: fixbench ÷ manual script (concurrency 1)', pairedRatio(fbMs, shMs), '×', OVERHEAD_TARGET),
  ];
  if (bw.length) measurements.push(single('overhead with the bwrap sandbox (one pair): fixbench ÷ manual script', bw[0]!, '×', null));
  const med = (f: (p: (typeof fb)[number]) => number) => median(fb.map(f));
  const medS = (f: (p: (typeof sh)[number]) => number) => median(sh.map(f));
  const attempts = tasks.length * 2;
  const profile = [
    `fixbench wall ${summarize(fbMs).median.toFixed(0)} ms over ${attempts} attempts: ` +
      `outside the attempts (node start, CLI, task load, pre-flight, sandbox init, report) ${med((p) => p.profile.outsideMs).toFixed(0)} ms; ` +
      `in attempts, harness work not hidden behind tests (suite span less test commands: 2 checkouts per attempt, gold apply, patch extraction, apply chain, test protection, logs) ${med((p) => p.profile.harnessMs).toFixed(0)} ms; ` +
      `test commands ${med((p) => p.profile.testMs).toFixed(0)} ms`,
    `manual script wall ${summarize(shMs).median.toFixed(0)} ms: clone+checkout ${medS((s) => s.steps.clone_ms)} ms, apply ${medS((s) => s.steps.apply_ms)} ms, test commands ${medS((s) => s.steps.test_ms)} ms`,
  ];
  return { section: 'overhead', measurements, profile, notes: [`tasks (rule: empty setup): ${tasks.map((t) => t.instance_id).join(', ')}`] };
}
