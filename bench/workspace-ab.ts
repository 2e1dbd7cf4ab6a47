// A hand-run A/B of one attempt's workspace lifecycle (not a section of `npm run bench`): two
// workspaces made from the repo cache (the agent's and the grading checkout) and removed, by two
// source trees in ONE process, cycle by cycle in ABBA order, so both sides see the same file-system
// state — on a file system whose inode allocator pays for recent deletions (ext4 without a journal:
// bench/RESULTS.md, "perf15", "perf16") two processes run one after the other do not.
//
//   npx tsx bench/workspace-ab.ts <tree A> <tree B> [cycles=60] [instance_id=js-duration-1] [parent folder=OS temp]
//
// Each tree is a checkout of fixbench with its own `tasks/` and `.fixbench-cache/` (e.g. `git archive main`
// unpacked in /tmp, `node_modules` linked). Prints per cycle (ms, median): the process's CPU time
// (user + system, libuv's pool threads included) for A and B, the median of the paired B − A, and in
// how many cycles B was lower. Wall time is not printed: CPU is what a shared machine lets a pair resolve.
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

interface Made { cleanup(): Promise<void> }

/** One cycle of `root`'s code: 2 workspaces of `instanceId` at its base commit, made at once, then removed. */
async function cycleOf(root: string, instanceId: string, parentDir: string): Promise<() => Promise<void>> {
  const { createWorkspace } = await import(path.join(root, 'src/workspace/checkout.ts'));
  const { RepoCache } = await import(path.join(root, 'src/workspace/repo-cache.ts'));
  const { loadTasks } = await import(path.join(root, 'src/tasks/load.ts'));
  const tasks: Array<{ instance_id: string; repo: string; base_commit: string }> = await loadTasks(path.join(root, 'tasks'));
  const task = tasks.find((t) => t.instance_id === instanceId);
  if (!task) throw new Error(`${root}/tasks has no task ${instanceId}`);
  const repoCache = new RepoCache({ cacheDir: path.join(root, '.fixbench-cache', 'repos'), tasksDir: path.join(root, 'tasks') });
  return async () => {
    const made: Made[] = await Promise.all([0, 1].map(() => createWorkspace({ repoCache, repo: task.repo, baseCommit: task.base_commit, parentDir })));
    await Promise.all(made.map((w) => w.cleanup()));
  };
}

const [rootA, rootB, cyclesArg, instanceId = 'js-duration-1', parentArg] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error('usage: npx tsx bench/workspace-ab.ts <tree A> <tree B> [cycles] [instance_id] [parent folder]');
const cycles = Number(cyclesArg ?? 60);
const parentDir = parentArg ?? path.join(os.tmpdir(), `fixbench-workspace-ab-${process.pid}`);
await mkdir(parentDir, { recursive: true });
const run = { A: await cycleOf(path.resolve(rootA), instanceId, parentDir), B: await cycleOf(path.resolve(rootB), instanceId, parentDir) };
for (let i = 0; i < 4; i++) for (const side of ['A', 'B'] as const) await run[side](); // templates made, code warm
const cpu: Record<'A' | 'B', number[]> = { A: [], B: [] };
for (let i = 0; i < cycles; i++) {
  for (const side of i % 2 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
    const before = process.cpuUsage();
    await run[side]();
    const used = process.cpuUsage(before);
    cpu[side].push((used.user + used.system) / 1000);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
if (!parentArg) await rm(parentDir, { recursive: true, force: true });
const diffs = cpu.A.map((a, i) => cpu.B[i]! - a);
console.log(JSON.stringify({ instanceId, cycles, load1: os.loadavg()[0], a_cpu_ms: median(cpu.A), b_cpu_ms: median(cpu.B), b_minus_a_ms: median(diffs), b_lower: diffs.filter((d) => d < 0).length }));
