// Pre-flight checks of loaded tasks against their repositories, before any attempt starts:
// base_commit exists, and gold.patch and test.patch apply at it (each alone, and test after gold).
// A task failing these would only fail later, after models had been paid to attempt it.
import { dropImageOnlyBinaryEntries } from '../evaluation/image-entries.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type { TaskSpec } from '../config/task.ts';
import { UserInputError } from '../core/errors.ts';
import { applyPatch } from '../evaluation/apply-patch.ts';
import { createWorkspace, type RepoCache } from '../workspace/index.ts';
import { hasCommit } from '../workspace/repo-cache.ts';
import { gitAt } from '../workspace/git.ts';
import { hostGit } from '../workspace/host-git.ts';
import type { PreflightCache } from './preflight-cache.ts';

/** Tasks whose remembered verdict is read at once, and repository mirrors whose commits are checked at once (`commitsPresent`). */
const CACHED_CHECKS_AT_ONCE = 8;

/**
 * Checks every task; returns nothing when all pass.
 * Milliseconds per task for small repositories (one local checkout, three `git apply`). With
 * `cache`, a task with a stored pass verdict for its current repo, base_commit and patch bytes
 * (src/tasks/preflight-cache.ts) only has its repository and commit checked (one git process per
 * repository for all such tasks, `commitsPresent`; and its verdict is not written again);
 * a task that passes in full is remembered there. Full checks run one task at a time.
 * @throws UserInputError listing every problem at once (in task order), each naming the task file and field.
 */
export async function preflightTasks(tasks: TaskSpec[], repoCache: RepoCache, cache?: PreflightCache): Promise<void> {
  const problems: string[] = [];
  const limit = pLimit(CACHED_CHECKS_AT_ONCE);
  // The repository and its commit are checked every time: a mirror rebuilt from a regenerated bundle may lack the commit.
  const passed = await Promise.all(tasks.map((task) => limit(async () => Boolean(cache && (await cache.passed(task))))));
  const present = await commitsPresent(tasks.filter((_, i) => passed[i]), repoCache);
  // a remembered task whose commit the batch did not find is checked alone, which names its problem
  const quick = await Promise.all(tasks.map((task, i) => limit(async () => (!passed[i] ? null : present.has(task) ? [] : checkRepoAndCommit(task, repoCache)))));
  const work = quick.some((q) => q === null) ? await mkdtemp(path.join(os.tmpdir(), 'fixbench-preflight-')) : null;
  try {
    for (const [i, task] of tasks.entries()) {
      let found = quick[i];
      if (!found) {
        found = await preflightTask(task, repoCache, work!);
        if (!found.length) await cache?.remember(task);
      }
      problems.push(...found.map((p) => `${p.file}: ${p.field ? `${p.field}: ` : ''}${p.message}`));
    }
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
  if (problems.length) throw new UserInputError(`${problems.length} task problem(s) found before the run:\n${problems.join('\n')}`, { problems });
}

/** A problem of one task file: the file, the field (null for the whole file), what is wrong and what to do. */
export interface PreflightProblem {
  file: string;
  field: string | null;
  message: string;
}

/**
 * Checks one task against its repository: `repo` resolves, `base_commit` is in it, gold.patch and
 * test.patch apply there with plain `git apply` (each alone, and test.patch after gold.patch).
 * Workspaces are made under `work` and removed.
 * @returns every problem found (empty when the task passes).
 */
export async function preflightTask(task: TaskSpec, repoCache: RepoCache, work: string): Promise<PreflightProblem[]> {
  const repoProblems = await checkRepoAndCommit(task, repoCache);
  if (repoProblems.length) return repoProblems;
  const at = (file: string, field: string | null, message: string): PreflightProblem => ({ file, field, message });
  const ws = await createWorkspace({ repoCache, repo: task.repo, baseCommit: task.base_commit, parentDir: work, tasksDir: path.dirname(task.dir) });
  const problems: PreflightProblem[] = [];
  try {
    const only = ['git apply'] as const;
    const reset = async () => {
      await hostGit(ws).raw(['reset', '--quiet', '--hard', task.base_commit]);
      await hostGit(ws).raw(['clean', '-fdq']);
    };
    // Image-only binary entries cannot be applied and are dropped at grading (image-entries.ts).
    const testPatch = dropImageOnlyBinaryEntries(task.test_patch).patch;
    // Image entries only: nothing is applied at grading either, so there is nothing to check.
    const applyTest = (): ReturnType<typeof applyPatch> => (testPatch.trim() === '' ? Promise.resolve({ ok: true, strategy: null, log: '', unsafeEntriesDropped: 0 }) : applyPatch(ws, testPatch, { strategies: only }));
    const gold = await applyPatch(ws, task.patch, { strategies: only });
    if (!gold.ok) problems.push(at(path.join(task.dir, 'gold.patch'), null, `does not apply at base_commit ${task.base_commit.slice(0, 12)}: ${firstLine(gold.log)}; regenerate it with git diff`));
    else {
      const both = await applyTest();
      if (!both.ok) problems.push(at(path.join(task.dir, 'test.patch'), null, `does not apply after gold.patch: ${firstLine(both.log)}; regenerate it with git diff`));
    }
    await reset();
    const test = await applyTest();
    if (!test.ok) problems.push(at(path.join(task.dir, 'test.patch'), null, `does not apply at base_commit ${task.base_commit.slice(0, 12)}: ${firstLine(test.log)}; regenerate it with git diff`));
  } finally {
    await ws.cleanup();
  }
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.file + p.message) && seen.add(p.file + p.message));
}

/**
 * Checks that `repo` resolves (a bundle under `<tasks>/repos/`, a local repository or a git URL) and
 * that `base_commit` is in it; usable before the rest of the task is sound, so lint can name these
 * problems together with the others.
 * @param task the task folder (`dir`, for its task.yaml and its tasks folder) and the two fields
 * @returns the problems found (empty when both resolve)
 */
export async function checkRepoAndCommit(task: Pick<TaskSpec, 'dir' | 'repo' | 'base_commit'>, repoCache: RepoCache): Promise<PreflightProblem[]> {
  const yamlFile = path.join(task.dir, 'task.yaml');
  const at = (file: string, field: string | null, message: string): PreflightProblem => ({ file, field, message });
  let mirror: string;
  try {
    mirror = await repoCache.mirror(task.repo, { tasksDir: path.dirname(task.dir) });
  } catch (e) {
    const fix = e instanceof UserInputError && e.details.fix ? e.details.fix : 'name a bundle under <tasks>/repos/, a local git repository or a reachable git URL';
    return [at(yamlFile, 'repo', `"${task.repo}" cannot be read (${(e as Error).message}); ${fix}`)];
  }
  // A mirror made from an older copy of the repository may lack the commit: refresh it once.
  const found = (await hasCommit(mirror, task.base_commit)) || (await repoCache.mirror(task.repo, { commit: task.base_commit, tasksDir: path.dirname(task.dir) }).then(() => true, () => false));
  if (!found) {
    return [at(yamlFile, 'base_commit', `${task.base_commit} is not in repository "${task.repo}"; use a commit of that repository (git log)`)];
  }
  return [];
}

/** Most commits one `git rev-list` of `commitsPresent` is asked about (its command line). */
const COMMITS_PER_LIST = 1000;

/**
 * The tasks among `tasks` whose repository's mirror holds their base_commit as a commit: one git
 * process per mirror (`git rev-list --no-walk --ignore-missing <sha>…` prints each given commit it
 * holds, by its full hash; a missing object or one that is not a commit is left out, not an error),
 * mirrors at once. A task not in the answer (its mirror cannot be made, the commit is missing, git
 * failed) is for `checkRepoAndCommit` to check alone. Never throws.
 */
async function commitsPresent(tasks: readonly TaskSpec[], repoCache: RepoCache): Promise<Set<TaskSpec>> {
  const limit = pLimit(CACHED_CHECKS_AT_ONCE);
  const mirrors = await Promise.all(tasks.map((task) => limit(() => repoCache.mirror(task.repo, { tasksDir: path.dirname(task.dir) }).catch(() => null))));
  const byMirror = new Map<string, TaskSpec[]>();
  for (const [i, task] of tasks.entries()) if (mirrors[i]) byMirror.set(mirrors[i], [...(byMirror.get(mirrors[i]) ?? []), task]);
  const found = new Set<TaskSpec>();
  await Promise.all([...byMirror].map(([mirror, list]) => limit(async () => {
    const shas = [...new Set(list.map((t) => t.base_commit))];
    const held = new Set<string>();
    for (let i = 0; i < shas.length; i += COMMITS_PER_LIST) {
      const out = await gitAt(mirror).raw(['rev-list', '--no-walk', '--ignore-missing', ...shas.slice(i, i + COMMITS_PER_LIST), '--']).catch(() => '');
      for (const line of out.split('\n')) if (line) held.add(line.trim());
    }
    for (const t of list) if (held.has(t.base_commit)) found.add(t);
  })));
  return found;
}

const firstLine = (log: string): string =>
  log
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(error|fatal):/.test(l)) ?? log.split('\n').find((l) => l.trim()) ?? 'git apply failed';
