// Host git: the per-attempt cost of running host-side git against fixbench's own git directory
// (`hostGit`, DESIGN.md §11 rule 2) against the old path (git on the workspace's own `.git`, its
// config reset first), interleaved, per bundled repository. One attempt's host git work is timed:
// the setup bookkeeping of the agent's workspace, the patch extraction, the setup bookkeeping of
// the evaluation's workspace and the application of the patch there (with the unsafe-entry filter).
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyPatch } from '../src/evaluation/apply-patch.ts';
import { loadTasks } from '../src/tasks/load.ts';
import { createHostGitDir, recordSetupState } from '../src/workspace/host-git.ts';
import { extractPatch } from '../src/workspace/extract-patch.ts';
import { gitAt, gitTry, resetWorkspaceGitConfig } from '../src/workspace/git.ts';
import { RepoCache, createWorkspace, type Workspace } from '../src/workspace/index.ts';
import { median, summarize } from './lib/stats.ts';
import { measurement } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Issue 13's bound: the isolation adds at most 50 ms per attempt. */
export const HOST_GIT_TARGET = { op: '<=', limit: 50, unit: ' ms' } as const;

export async function benchHostGit(ctx: BenchContext): Promise<SectionResult> {
  const tasksDir = path.join(ctx.root, 'tasks');
  const tasks = await loadTasks(tasksDir);
  const byRepo = new Map<string, { base: string; file: string }>();
  for (const t of tasks) {
    const file = /^diff --git a\/(\S+) /m.exec(t.patch)?.[1];
    if (file && !byRepo.has(t.repo)) byRepo.set(t.repo, { base: t.base_commit, file });
  }
  const n = ctx.quick ? 3 : ctx.thorough ? 15 : 8;
  ctx.log(`host git: ${[...byRepo.keys()].join(', ')}; ${n} attempts each way per repository, interleaved`);
  const repoCache = new RepoCache({ tasksDir, cacheDir: path.join(ctx.scratch, 'host-git-repos') });
  const work = path.join(ctx.scratch, 'host-git');
  await mkdir(work, { recursive: true });
  const newMs: number[] = [];
  const oldMs: number[] = [];
  const dirMs: number[] = [];
  const profile: string[] = [];
  for (const [repo, { base, file }] of byRepo) {
    const ws = () => createWorkspace({ repoCache, repo, baseCommit: base, parentDir: work });
    const attempt = async (path_: 'new' | 'old'): Promise<number> => {
      const [agentWs, evalWs] = await Promise.all([ws(), ws()]);
      try {
        const edit = path.join(agentWs.dir, file);
        const model = async () => writeFile(edit, (await readFile(edit, 'utf8')) + '\n// edited by the model\n');
        const t0 = performance.now();
        if (path_ === 'new') {
          await recordSetupState(agentWs);
          await model();
          const { patch } = await extractPatch(agentWs);
          await recordSetupState(evalWs);
          const applied = await applyPatch(evalWs, patch);
          if (!applied.ok) throw new Error(`the patch of ${repo} did not apply: ${applied.log}`);
        } else {
          await oldExclude(agentWs);
          await model();
          const patch = await oldExtract(agentWs);
          await oldExclude(evalWs);
          if (!(await oldApply(evalWs, patch))) throw new Error(`the patch of ${repo} did not apply (old path)`);
        }
        return performance.now() - t0;
      } finally {
        await Promise.all([agentWs.cleanup(), evalWs.cleanup()]);
      }
    };
    await attempt('new'); // warm-up
    await attempt('old');
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) { a.push(await attempt('new')); b.push(await attempt('old')); }
      else { b.push(await attempt('old')); a.push(await attempt('new')); }
    }
    for (let i = 0; i < n; i++) {
      const gitDir = path.join(work, `dir-${i}`, 'host.git');
      const t0 = performance.now();
      await createHostGitDir(gitDir, { objects: path.join(work, 'objects'), index: null, head: base });
      dirMs.push(performance.now() - t0);
      await rm(path.dirname(gitDir), { recursive: true, force: true });
    }
    newMs.push(...a);
    oldMs.push(...b);
    profile.push(`${repo}: host git per attempt ${median(a).toFixed(0)} ms (fixbench's own git directory) against ${median(b).toFixed(0)} ms (the workspace's .git)`);
  }
  profile.push(`making a host git directory (plain file writes, two per attempt): ${median(dirMs).toFixed(2)} ms`);
  const delta = newMs.map((x, i) => x - oldMs[i]! + 2 * median(dirMs));
  return {
    section: 'host-git',
    measurements: [
      measurement('host git: ms added per attempt (own git directory − workspace .git)', summarize(delta), ' ms', HOST_GIT_TARGET, 1),
      measurement('host git: own git directory ÷ workspace .git, per attempt', summarize(newMs.map((x, i) => x / oldMs[i]!)), '×', null),
      measurement('host git: ms per attempt, own git directory', summarize(newMs), ' ms', null, 0),
      measurement('host git: ms per attempt, workspace .git (before)', summarize(oldMs), ' ms', null, 0),
    ],
    profile,
    notes: [],
  };
}

// The old path, kept here only to be measured against: git on the workspace's own `.git`.

async function oldExclude(ws: Workspace): Promise<void> {
  const listing = await gitAt(ws.dir).raw(['ls-files', '--others', '--exclude-standard', '--directory', '-z']);
  const paths = listing.split('\0').filter(Boolean);
  if (paths.length) await appendFile(path.join(ws.dir, '.git', 'info', 'exclude'), `\n${paths.map((p) => `/${p}`).join('\n')}\n`);
}

async function oldExtract(ws: Workspace): Promise<string> {
  await resetWorkspaceGitConfig(ws.dir);
  const original = path.join(ws.dir, '.git', 'index');
  const index = path.join(ws.dir, '.git', `fixbench-index-${randomBytes(6).toString('hex')}`);
  try {
    await copyFile(original, index);
    const st = await stat(original);
    await utimes(index, st.atime, st.mtime);
    const git = gitAt(ws.dir, { env: { GIT_INDEX_FILE: index } });
    const diff = ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
    await git.raw(['add', '--all', '--', '.']);
    await git.raw([...diff, '--numstat', '-z', ws.baseCommit, '--']);
    return await git.raw([...diff, ws.baseCommit, '--']);
  } finally {
    await rm(index, { force: true });
  }
}

/** The old `applyPatch` up to its first strategy: a temp patch file, then `git apply` on the workspace's `.git`. */
async function oldApply(ws: Workspace, patch: string): Promise<boolean> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-patch-'));
  try {
    const file = path.join(tmp, 'patch.diff');
    await writeFile(file, patch);
    return (await gitTry(gitAt(ws.dir), ['apply', '--whitespace=nowarn', file])).ok;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
