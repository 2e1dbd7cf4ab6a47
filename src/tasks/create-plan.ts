// The checks of `fixbench tasks create` that need no test run: every flag, the repository, both
// revisions, the fix's split into source and test files, the problem statement and the target
// folder. `planCreate` does them all before anything runs or is written, so a refusal costs
// seconds and changes nothing.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inferRun } from './infer-runner.ts';
import { TaskYaml } from '../config/task.ts';
import { UserInputError } from '../core/errors.ts';
import { applyPatch } from '../evaluation/apply-patch.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { createWorkspace } from '../workspace/checkout.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import { extractPatch } from '../workspace/extract-patch.ts';
import { gitAt, gitTry } from '../workspace/git.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';
import { resolveRepoSource } from '../workspace/repo-source.ts';
import { splitPatch, type SplitPatch } from './split-patch.ts';
import { ownerName, type RunSpec } from './swe-bench.ts';

export interface CreateOptions extends RunSpec {
  /** Path or URL of the repository. */
  repo: string;
  /** Base commit (any revision the repository resolves). */
  base: string;
  /** A commit (revision) holding the fix and its tests, or a patch file against `base`. */
  fix: string;
  /** Problem statement file; default: the fix commit's message (with a warning). */
  issue?: string;
  /** instance_id; default `<repo name>-<first 7 of the fix commit or of base>`. */
  id?: string;
  testFiles: readonly string[];
  tasksDir: string;
  /** Write `<tasksDir>/repos/<name>.bundle` and name it in task.yaml (default true); else task.yaml names `repo` as given. */
  bundle: boolean;
  /** File name (no folder) of the bundle under `<tasksDir>/repos/`; default the repository's name. */
  bundleName?: string;
  /**
   * The public repository as `owner/name` (SWE-bench's `repo`), kept in task.yaml's `swe_bench.repo`
   * for `tasks export`; default: from a GitHub URL given as `repo`, or the clone's `origin` remote.
   */
  upstream?: string;
  /** Test runs before and after; results must agree (default 1). */
  runs: number;
  force?: boolean;
  sandbox: Sandbox;
  repoCache: RepoCache;
  /** Environment cache of `setup` (shared with validate and run): setup runs once, not per test run. */
  envCache?: EnvCache;
  workDir: string;
  log?: (s: string) => void;
}

/** Everything `createTask` needs after the checks, and the warnings found on the way. */
export interface CreatePlan {
  /** The repository as resolved (absolute path, or the URL). */
  repo: string;
  /** Bare mirror of `repo` in the repo cache. */
  mirror: string;
  base: string;
  /** The fix commit's full sha, or null for a patch file. */
  fixSha: string | null;
  split: SplitPatch;
  id: string;
  problem_statement: string;
  /** `owner/name`, or null when neither the flag nor the repository names one. */
  upstream: string | null;
  /** The fix commit's committer date (ISO 8601), or null for a patch file. */
  createdAt: string | null;
  /** Name of the bundle (without `.bundle`), or null with `bundle: false`. */
  bundleName: string | null;
  /** The plain test command and the report kind, `auto` resolved to a runner adapter (infer-runner.ts). */
  test_cmd: string;
  test_report: string;
  warnings: string[];
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const OWNER_NAME_RE = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * `--repo` resolved (a URL as given, else an absolute path) and mirrored into the repo cache.
 * @throws UserInputError naming `--repo` when the path does not exist or cannot be cloned.
 */
export async function mirrorRepo(o: { repo: string; repoCache: RepoCache; tasksDir: string }): Promise<{ isUrl: boolean; repo: string; mirror: string }> {
  const isUrl = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i.test(o.repo);
  const repo = isUrl ? o.repo : path.resolve(o.repo);
  if (!isUrl && !existsSync(repo)) throw new UserInputError(`--repo ${o.repo}: no such path; give a local git repository, a bundle or a git URL`);
  let mirror: string;
  try {
    mirror = await o.repoCache.mirror(repo, { tasksDir: o.tasksDir, refresh: true }); // --base/--fix name branches as they are now
  } catch (e) {
    throw new UserInputError(`--repo ${o.repo}: cannot be cloned (${(e as Error).message.split('\n')[0]}); give a git repository you can read`, { cause: e });
  }
  return { isUrl, repo, mirror };
}

/** The flag checks that need neither the repository nor the disk. @throws UserInputError naming the flag. */
export function checkCreateFlags(o: Pick<CreateOptions, 'id' | 'bundleName' | 'upstream' | 'test_report' | 'timeout_s' | 'runs' | 'testFiles' | 'test_cmd'>): void {
  const report = TaskYaml.shape.test_report.safeParse(o.test_report);
  if (!report.success) throw new UserInputError(`--test-report ${o.test_report}: ${report.error.issues[0]!.message}`);
  if (o.id !== undefined && !NAME_RE.test(o.id)) {
    throw new UserInputError(`--id ${o.id}: use letters, digits, ".", "_" and "-" only, starting with a letter or digit`);
  }
  if (o.bundleName !== undefined && !NAME_RE.test(o.bundleName)) {
    const hint = OWNER_NAME_RE.test(o.bundleName) ? `; to record the upstream repository ${o.bundleName} for SWE-bench export, pass --upstream ${o.bundleName}` : '';
    throw new UserInputError(`--bundle-name ${o.bundleName}: a file name under <tasks>/repos/ (letters, digits, ".", "_" and "-", no "/")${hint}`);
  }
  if (o.upstream !== undefined && !OWNER_NAME_RE.test(o.upstream)) {
    throw new UserInputError(`--upstream ${o.upstream}: give the public repository as owner/name, e.g. expressjs/express`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new UserInputError(`--runs ${o.runs}: give a whole number of at least 1`);
  const timeout = TaskYaml.shape.timeout_s.safeParse(o.timeout_s);
  if (!timeout.success) throw new UserInputError(`--timeout ${o.timeout_s}: ${timeout.error.issues[0]!.message}`);
  if (!o.testFiles.length || o.testFiles.some((g) => !g.trim())) throw new UserInputError('--test-files: give at least one non-empty glob');
}

/** `owner/name` of the `origin` remote of a local clone at `dir`, or null. Reads the config file as data (no hooks, no includes run). */
async function originOwnerName(dir: string): Promise<string | null> {
  for (const cfg of [path.join(dir, '.git', 'config'), path.join(dir, 'config')]) {
    if (!existsSync(cfg)) continue;
    const r = await gitTry(gitAt(os.tmpdir()), ['config', '--file', cfg, '--get', 'remote.origin.url']);
    return r.ok ? ownerName(r.output.trim()) : null;
  }
  return null;
}

/**
 * Runs every check of `tasks create` that needs no test run, in this order: flags
 * (`checkCreateFlags`), the tasks folder, the issue file, the repository (cloned into the repo
 * cache), `base` and `fix`, the fix's split (at least one source and one test file), the target
 * folder (exists without `force`), the problem statement. Writes nothing outside the repo cache.
 * Warns when the problem statement is the fix commit's message and when no upstream is known.
 * @throws UserInputError naming the flag or file and the fix.
 */
export async function planCreate(o: CreateOptions): Promise<CreatePlan> {
  checkCreateFlags(o);
  const warnings: string[] = [];
  const tasksStat = await stat(o.tasksDir).catch(() => null);
  if (tasksStat && !tasksStat.isDirectory()) throw new UserInputError(`--tasks ${o.tasksDir}: not a folder; give the folder to write the task into`);
  const issueText = o.issue === undefined ? null : await readFile(o.issue, 'utf8').catch(() => undefined);
  if (issueText === undefined) throw new UserInputError(`--issue ${o.issue}: cannot read the file; give the problem statement as a Markdown file`);

  const { isUrl, repo, mirror } = await mirrorRepo(o);
  const rev = async (r: string, flag: string): Promise<string> => {
    const res = await gitTry(gitAt(mirror), ['rev-parse', '--verify', '--quiet', `${r}^{commit}`]);
    if (!res.ok) throw new UserInputError(`${flag} ${r}: not a commit of ${o.repo}; give a sha or branch of that repository`);
    return res.output.trim();
  };
  const base = await rev(o.base, '--base');
  // The runner and the plain command (from package.json when not given), before any test runs.
  const run = await inferRun(mirror, base, o.test_cmd, o.test_report);
  const fixIsFile = existsSync(o.fix) && (await stat(o.fix)).isFile();
  const fixSha = fixIsFile ? null : await rev(o.fix, '--fix');
  if (fixSha === base) throw new UserInputError(`--fix ${o.fix} is --base itself; give the commit that holds the fix`);

  const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
  let full: string;
  if (fixSha) {
    full = await gitAt(mirror).raw([...diffArgs, base, fixSha, '--']);
  } else {
    const text = await readFile(o.fix, 'utf8');
    const ws = await createWorkspace({ repoCache: o.repoCache, repo, baseCommit: base, parentDir: o.workDir, tasksDir: o.tasksDir });
    try {
      const applied = await applyPatch(ws, text, { strategies: ['git apply'] });
      if (!applied.ok) throw new UserInputError(`--fix ${o.fix}: does not apply at ${base.slice(0, 12)} with git apply: ${applied.log.split('\n').find((l) => /error/.test(l)) ?? applied.log.split('\n')[0]}`);
      full = (await extractPatch(ws)).patch;
    } finally {
      await ws.cleanup();
    }
  }
  const split = splitPatch(full, o.testFiles);
  if (!split.testFiles.length) {
    throw new UserInputError(`the fix changes no test file by the rules ${o.testFiles.join(', ')} (it changes ${split.goldFiles.join(', ') || 'nothing'}); add tests to the fix, or pass --test-files <globs>`);
  }
  if (!split.goldFiles.length) {
    throw new UserInputError(`the fix changes only test files (${split.testFiles.join(', ')}); a task needs a source change, or pass --test-files <globs> that leave the source out`);
  }

  const source = resolveRepoSource(repo, o.tasksDir);
  const id = o.id ?? `${source.name}-${(fixSha ?? base).slice(0, 7)}`;
  if (!NAME_RE.test(id)) throw new UserInputError(`the default instance_id ${id} is not a valid id; pass --id <instance_id>`);
  if (!o.force && existsSync(path.join(o.tasksDir, id))) {
    throw new UserInputError(`${path.join(o.tasksDir, id)} already exists; remove it, choose another id, or pass --force to replace it`);
  }
  let problem_statement: string;
  if (issueText !== null) problem_statement = issueText;
  else if (fixSha) {
    problem_statement = await gitAt(mirror).raw(['log', '-1', '--format=%B', fixSha]);
    warnings.push('the problem statement is the fix commit\'s message, which may describe the fix rather than the problem; write the issue as a user would file it and pass --issue <file.md>');
  } else throw new UserInputError('--issue <file.md> is needed with a patch file: write the issue as a user would file it');
  if (problem_statement.trim() === '') throw new UserInputError(o.issue ? `--issue ${o.issue}: the file is empty; describe the problem` : 'the fix commit\'s message is empty; pass --issue <file.md>');

  const upstream = o.upstream ?? (isUrl ? ownerName(repo) : await originOwnerName(repo));
  if (!upstream) warnings.push('no upstream repository is known (SWE-bench export will name the bundle as repo); pass --upstream owner/name');
  const createdAt = fixSha ? (await gitAt(mirror).raw(['log', '-1', '--format=%cI', fixSha])).trim() : null;
  return { repo, mirror, base, fixSha, split, id, problem_statement, upstream, createdAt, bundleName: o.bundle ? (o.bundleName ?? source.name) : null, ...run, warnings };
}
