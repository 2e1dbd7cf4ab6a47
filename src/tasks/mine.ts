// `fixbench tasks mine` (after SWE-bench's and SWE-rebench's collection): walk a repository's
// history for commits that change source and tests together, build a candidate task from each with
// the same code as `tasks create` (parent = base_commit, commit = fix), validate it, and keep the
// valid ones. Every candidate gets a verdict and a reason in the report.
import { statementLeak } from './statement-leak.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import type { TaskSpec } from '../config/task.ts';
import { UserInputError } from '../core/errors.ts';
import { gitAt } from '../workspace/git.ts';
import { resolveRepoSource } from '../workspace/repo-source.ts';
import { buildTask, CreateRejected, saveTask, type CreateOptions } from './create.ts';
import { mirrorRepo, planCreate } from './create-plan.ts';
import { createdAfter } from './select.ts';
import { duplicateOf, existingFixes } from './mine-dedupe.ts';
import { validateTask } from './validate.ts';
import type { EnvCache } from '../workspace/env-cache.ts';

/** A candidate's verdict: `valid` (kept), or why it was not. */
export const MineVerdict = z.enum([
  'valid', 'exists', 'no_fail_to_pass', 'too_many_fail_to_pass', 'flaky', 'setup_failed', 'no_results', 'tampered', 'lint', 'invalid', 'refused',
]);
export type MineVerdict = z.infer<typeof MineVerdict>;

export const MineCandidate = z.object({
  /** The fix commit (full sha) and its parent (base_commit). */
  commit: z.string(),
  parent: z.string(),
  /** First line of the commit message. */
  subject: z.string(),
  /** Committer date of the fix commit, ISO 8601: the task's created_at. */
  created_at: z.string(),
  instance_id: z.string(),
  verdict: MineVerdict,
  /** Why (one sentence, or the validation's reasons joined by "; "); empty for `valid`. */
  reason: z.string(),
  FAIL_TO_PASS: z.number().int().nullable(),
  PASS_TO_PASS: z.number().int().nullable(),
  /** Wall time spent on this candidate, milliseconds. */
  wall_ms: z.number(),
});
export type MineCandidate = z.infer<typeof MineCandidate>;

/** The report file of `tasks mine` (`--report`, JSON; a table beside it as .txt). */
export const MineReport = z.object({
  format_version: z.literal(1),
  repo: z.string(),
  tasks_dir: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  wall_ms: z.number(),
  /** Commits walked (first parent, no merges, after `since`). */
  commits_scanned: z.number().int(),
  since: z.string().nullable(),
  created_after: z.string().nullable(),
  max: z.number().int().nullable(),
  max_fail_to_pass: z.number().int(),
  kept: z.array(z.string()),
  candidates: z.array(MineCandidate),
});
export type MineReport = z.infer<typeof MineReport>;

export interface MineOptions extends Omit<CreateOptions, 'base' | 'fix' | 'id' | 'issue' | 'runs'> {
  /** Revision whose history is walked (default HEAD). */
  ref?: string;
  /** Only commits committed on or after this date (git's `--since`). */
  since?: string;
  /** Only fix commits whose committer date is strictly after this ISO date (`createdAfter`): the contamination window. */
  createdAfter?: string;
  /** Stop after this many valid tasks (default: walk all). */
  max?: number;
  /** A candidate whose FAIL_TO_PASS is longer is a refactor, not a bug fix (default 20). */
  maxFailToPass: number;
  /** Repetitions of the validation (default 3, as `tasks validate`). */
  validateRuns: number;
  envCache?: EnvCache;
  /** Called with each candidate's verdict as it is reached. */
  onCandidate?: (c: MineCandidate) => void;
}

interface Commit { sha: string; parent: string; date: string; subject: string }

/**
 * Commits of `mirror` at `ref` (first parent, oldest first) with one parent that change at least
 * one file matching `testGlobs` and one that does not. @returns them and the number walked.
 */
export async function candidateCommits(mirror: string, o: { ref?: string; since?: string; testFiles: readonly string[] }): Promise<{ commits: Commit[]; scanned: number }> {
  const git = gitAt(mirror);
  const isTest = picomatch([...o.testFiles], { dot: true });
  const log = await git.raw(['log', '--first-parent', '--no-merges', '--reverse', '--format=%H%x00%P%x00%cI%x00%s', ...(o.since ? [`--since=${o.since}`] : []), o.ref ?? 'HEAD', '--']);
  const all = log.split('\n').filter(Boolean).map((l) => l.split('\0'));
  const out: Commit[] = [];
  for (const [sha, parents, date, subject] of all) {
    const ps = (parents ?? '').split(' ').filter(Boolean);
    if (ps.length !== 1) continue;
    const files = (await git.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', '--no-renames', ps[0]!, sha!])).split('\n').filter(Boolean);
    if (files.some((f) => isTest(f)) && files.some((f) => !isTest(f))) out.push({ sha: sha!, parent: ps[0]!, date: date!, subject: subject ?? '' });
  }
  return { commits: out, scanned: all.length };
}

/**
 * Mines `o.repo`: each candidate commit (`candidateCommits`) is planned and built as `tasks
 * create` does (one run before and after), refused when its FAIL_TO_PASS is empty or longer than
 * `maxFailToPass`, validated `validateRuns` times (`validateTask`), and saved (bundle and folder)
 * only when valid. A folder that already exists is not rebuilt (verdict `exists`) unless `force`;
 * a task under another id with the same base_commit and fix (`duplicateOf`) is `exists` even then.
 * Never throws for a candidate's fault. @throws UserInputError for a bad repository or `ref`.
 */
export async function mineRepo(o: MineOptions): Promise<MineReport> {
  const started = new Date();
  const { repo, mirror } = await mirrorRepo(o);
  let walked: { commits: Commit[]; scanned: number };
  try {
    walked = await candidateCommits(mirror, { ref: o.ref, since: o.since, testFiles: o.testFiles });
  } catch (e) {
    throw new UserInputError(`--ref ${o.ref ?? 'HEAD'}: cannot walk the history of ${o.repo} (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
  if (o.createdAfter !== undefined) {
    const later = new Set(safeCreatedAfter(walked.commits, o.createdAfter));
    walked.commits = walked.commits.filter((c) => later.has(c.sha));
  }
  const name = resolveRepoSource(repo, o.tasksDir).name;
  const fixes = await existingFixes(o.tasksDir);
  const candidates: MineCandidate[] = [];
  const kept: string[] = [];
  for (const c of walked.commits) {
    if (o.max !== undefined && kept.length >= o.max) break;
    const t0 = Date.now();
    const id = `${name}-${c.sha.slice(0, 7)}`;
    const verdict = await judgeCandidate(o, repo, c, id, await duplicateOf(mirror, c, fixes));
    const cand: MineCandidate = { commit: c.sha, parent: c.parent, subject: c.subject, created_at: c.date, instance_id: id, ...verdict, wall_ms: Date.now() - t0 };
    if (cand.verdict === 'valid') kept.push(id);
    candidates.push(cand);
    o.onCandidate?.(cand);
  }
  const finished = new Date();
  return {
    format_version: 1, repo, tasks_dir: path.resolve(o.tasksDir), started_at: started.toISOString(), finished_at: finished.toISOString(),
    wall_ms: finished.getTime() - started.getTime(), commits_scanned: walked.scanned, since: o.since ?? null, created_after: o.createdAfter ?? null, max: o.max ?? null,
    max_fail_to_pass: o.maxFailToPass, kept, candidates,
  };
}

type Verdict = Pick<MineCandidate, 'verdict' | 'reason' | 'FAIL_TO_PASS' | 'PASS_TO_PASS'>;

/** `duplicate`: the id of an existing task with the same base_commit and fix (`duplicateOf`), or null. */
async function judgeCandidate(o: MineOptions, repo: string, c: Commit, id: string, duplicate: string | null): Promise<Verdict> {
  const none = { FAIL_TO_PASS: null, PASS_TO_PASS: null };
  // Never two tasks for one fix: --force rebuilds a task of the same id, not a copy under another one.
  if (duplicate && duplicate !== id) {
    return { verdict: 'exists', reason: `task ${duplicate} in ${o.tasksDir} already has this base_commit and fix; remove it first to mine it again as ${id}`, ...none };
  }
  if (!o.force && existsSync(path.join(o.tasksDir, id))) return { verdict: 'exists', reason: `${path.join(o.tasksDir, id)} already exists (mined before); pass --force to rebuild it`, ...none };
  const copts: CreateOptions = { ...o, repo, base: c.parent, fix: c.sha, id, runs: 1, log: undefined };
  try {
    const plan = await planCreate(copts);
    const built = await buildTask(copts, plan);
    const leak = statementLeak(built.files.problem_statement, built.files.patch);
    if (leak) return { verdict: 'refused', reason: `${id}: ${leak}`, ...none };
    const counts = { FAIL_TO_PASS: built.files.yaml.FAIL_TO_PASS.length, PASS_TO_PASS: built.files.yaml.PASS_TO_PASS.length };
    if (counts.FAIL_TO_PASS > o.maxFailToPass) {
      return { verdict: 'too_many_fail_to_pass', reason: `${counts.FAIL_TO_PASS} FAIL_TO_PASS tests (more than --max-fail-to-pass ${o.maxFailToPass}): a refactor or a new feature, not one bug fix`, ...counts };
    }
    const spec: TaskSpec = { ...built.files.yaml, repo, dir: path.join(o.tasksDir, id), problem_statement: built.files.problem_statement, patch: built.files.patch, test_patch: built.files.test_patch };
    const v = await validateTask(spec, { sandbox: o.sandbox, repoCache: o.repoCache, workDir: o.workDir, runs: o.validateRuns, ...(o.envCache ? { envCache: o.envCache } : {}) });
    if (!v.valid) return { verdict: v.flaky.length ? 'flaky' : 'invalid', reason: v.reasons.join('; '), ...counts };
    await saveTask(copts, built);
    return { verdict: 'valid', reason: '', ...counts };
  } catch (e) {
    if (e instanceof CreateRejected) return { verdict: e.kind, reason: e.message.split('\n')[0]!, ...none };
    if (e instanceof UserInputError) return { verdict: 'refused', reason: e.message.split('\n')[0]!, ...none };
    throw e;
  }
}

/** Shas of `commits` dated after `date` (none when none is: an empty window is not an error here). */
function safeCreatedAfter(commits: readonly Commit[], date: string): string[] {
  try {
    return createdAfter(commits.map((c) => ({ instance_id: c.sha, created_at: c.date })), date).map((c) => c.instance_id);
  } catch (e) {
    if (/no task was created after/.test((e as Error).message)) return [];
    throw e;
  }
}
