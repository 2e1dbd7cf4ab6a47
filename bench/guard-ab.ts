// A hand-run A/B of three steps on a run's critical path before its first test (not a section of `npm run
// bench`; bench/RESULTS.md "perf20"): the canary guard of one grading (integrity.ts `guardRun` with its
// reads of base_commit: `git grep`s through host git), the harness identity (paths.ts `harnessIdentity`)
// and the pre-flight of every bundled task with remembered verdicts (tasks/preflight.ts `preflightTasks`).
// Each sample is a fresh process of one tree (the greps' answers are remembered per process, so only a
// process's first grading pays them, as a run's first attempt does), ABBA order, interleaved.
//
//   npx tsx bench/guard-ab.ts <tree A> <tree B> [pairs=20] [instance_id=js-duration-1] [warm-up instance_id=js-duration-2]
//
// Each tree is a built checkout of fixbench (its dist/ is run) with its own `tasks/` and `.fixbench-cache/`.
// A sample: one untimed grading guard of the warm-up task (another base commit: the code warm, its greps
// not shared), then a workspace of the task at base_commit, gold.patch and test.patch applied (untimed),
// `guardRun` as evaluate.ts calls it (ms, wall; `reads`: from its first question to base_commit to the
// last answer), `harnessIdentity()` and `preflightTasks` of every bundled task, its verdicts remembered by
// the warm-up (ms, wall). Prints the medians of
// A and B, the median of the paired B − A and in how many pairs B was lower, and the load. Wall time
// on a shared machine: read the paired figures, not the medians alone.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

interface Sample { guard_ms: number; reads_ms: number; identity_ms: number; preflight_ms: number }

/** One sample in this process: `root`'s code, a fresh workspace of `instanceId` under `parentDir`. */
async function child(root: string, instanceId: string, warmId: string, parentDir: string): Promise<Sample> {
  const src = (p: string) => import(path.join(root, 'dist', p.replace(/\.ts$/, '.js'))); // the built code a run executes
  const { loadTasks } = await src('tasks/load.ts');
  const { RepoCache } = await src('workspace/repo-cache.ts');
  const { createWorkspace } = await src('workspace/checkout.ts');
  const { applyPatch } = await src('evaluation/apply-patch.ts');
  const { loadProtection } = await src('evaluation/protected-files.ts');
  const { guardRun, packageJsonBeforePatch } = await src('evaluation/integrity.ts');
  const { namesElsewhere, valuesAtBase, wordsAtBase } = await src('evaluation/canary-elsewhere.ts');
  const { baseTextOf, filesAtBase } = await src('evaluation/canary-listed-hosts.ts');
  const { reportKind } = await src('evaluation/parse/index.ts');
  const { harnessIdentity, preflightCache } = await src('cli/paths.ts');
  const { preflightTasks } = await src('tasks/preflight.ts');
  type Task = { instance_id: string; repo: string; base_commit: string; patch: string; test_patch: string; test_report: string };
  const tasks = (await loadTasks(path.join(root, 'tasks'))) as Task[];
  const repoCache = new RepoCache({ cacheDir: path.join(root, '.fixbench-cache', 'repos'), tasksDir: path.join(root, 'tasks') });
  // One grading's guard of task `id`: its wall time, and the span from its first question to base_commit
  // (titles elsewhere, words, values) to the last one's answer (ms).
  const guardOf = async (id: string): Promise<{ guard: number; reads: number }> => {
    const task = tasks.find((t) => t.instance_id === id);
    if (!task) throw new Error(`${root}/tasks has no task ${id}`);
    const ws = await createWorkspace({ repoCache, repo: task.repo, baseCommit: task.base_commit, parentDir });
    try {
      const [protection, basePackageJson] = await Promise.all([loadProtection(ws, task, task.patch), packageJsonBeforePatch(ws.dir)]);
      for (const p of [task.patch, task.test_patch]) if (!(await applyPatch(ws, p, { strategies: ['git apply'] })).ok) throw new Error(`${id}: a patch did not apply`);
      const span = { first: Infinity, last: 0, asked: new Set<string>() };
      const timed = <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
        const first = !span.asked.has(name); // the first call of each (`priced` asks values again, after the plan)
        span.asked.add(name);
        if (first) span.first = Math.min(span.first, performance.now());
        const r = await f(...a);
        if (first) span.last = Math.max(span.last, performance.now());
        return r;
      };
      const t0 = performance.now();
      const guard = await guardRun(ws.dir, task, reportKind(task.test_report), true, basePackageJson, timed('names', namesElsewhere(ws, ws.baseCommit)), timed('words', wordsAtBase(ws, ws.baseCommit)), timed('values', valuesAtBase(ws, ws.baseCommit)), { files: filesAtBase(ws, ws.baseCommit), text: baseTextOf(ws, protection.base) });
      const ms = performance.now() - t0;
      if (guard.tampered) throw new Error(`${id}: guardRun says tampered: ${guard.tampered}`);
      if (span.asked.size !== 3) throw new Error(`${id}: guardRun asked ${[...span.asked].join(', ')}, not the three questions`);
      return { guard: ms, reads: span.last - span.first };
    } finally {
      await ws.cleanup();
    }
  };
  await guardOf(warmId); // the code warm (modules, parsers), its answers of another commit: the timed task's greps still run
  const { guard, reads } = await guardOf(instanceId);
  const t1 = performance.now();
  await harnessIdentity();
  const t2 = performance.now();
  await preflightTasks(tasks, repoCache, preflightCache());
  return { guard_ms: guard, reads_ms: reads, identity_ms: t2 - t1, preflight_ms: performance.now() - t2 };
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  process.stdout.write(`${JSON.stringify(await child(args[1]!, args[2]!, args[3]!, args[4]!))}\n`);
} else {
  const [rootA, rootB, pairsArg, instanceId = 'js-duration-1', warmId = 'js-duration-2'] = args;
  if (!rootA || !rootB) throw new Error('usage: npx tsx bench/guard-ab.ts <tree A> <tree B> [pairs] [instance_id]');
  const pairs = Number(pairsArg ?? 20);
  const parentDir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-guard-ab-'));
  const sample = async (root: string): Promise<Sample> => {
    const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, process.argv[1]!, '--child', path.resolve(root), instanceId, warmId, parentDir]);
    return JSON.parse(stdout.trim().split('\n').pop()!) as Sample;
  };
  const got: Record<'A' | 'B', Sample[]> = { A: [], B: [] };
  const loads: number[] = [];
  try {
    await sample(rootA);
    await sample(rootB); // warm: mirrors, the OS file cache
    for (let i = 0; i < pairs; i++) {
      loads.push(os.loadavg()[0]!);
      for (const side of i % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) got[side].push(await sample(side === 'A' ? rootA : rootB));
    }
  } finally {
    await rm(parentDir, { recursive: true, force: true });
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const figure = (k: keyof Sample) => {
    const d = got.A.map((a, i) => got.B[i]![k] - a[k]);
    return { a_ms: +median(got.A.map((s) => s[k])).toFixed(1), b_ms: +median(got.B.map((s) => s[k])).toFixed(1), b_minus_a_ms: +median(d).toFixed(1), b_lower: `${d.filter((x) => x < 0).length}/${d.length}` };
  };
  console.log(JSON.stringify({ instanceId, pairs, load1: [Math.min(...loads), Math.max(...loads)].map((x) => +x.toFixed(1)), guard: figure('guard_ms'), reads: figure('reads_ms'), identity: figure('identity_ms'), preflight: figure('preflight_ms') }));
}
