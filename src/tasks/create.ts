// `fixbench tasks create`: a task from any git repository and a fix (a commit or a patch file).
// The fix is split into gold.patch (source) and test.patch (test files, by path rules); the tests
// are run before and after the fix to compute FAIL_TO_PASS and PASS_TO_PASS with full ids; the
// repository's history up to base_commit is written as a bundle beside the tasks.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { TaskSpec, TaskYaml } from '../config/task.ts';
import { InfraError, UserInputError } from '../core/errors.ts';
import { applyPatch } from '../evaluation/apply-patch.ts';
import { diffFiles } from '../evaluation/diff-files.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { reportKind } from '../evaluation/parse/index.ts';
import { DEFAULT_TEST_FILES } from '../evaluation/protected-rule.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { createWorkspace } from '../workspace/checkout.ts';
import { extractPatch } from '../workspace/extract-patch.ts';
import { gitAt, gitTry } from '../workspace/git.ts';
import { hasCommit, type RepoCache } from '../workspace/repo-cache.ts';
import { resolveRepoSource } from '../workspace/repo-source.ts';
import type { RunSpec, TaskFiles } from './swe-bench.ts';
import { inferRun } from './infer-runner.ts';
import { writeTaskFolder } from './write.ts';

/** Default rules for test files: the same globs that protect test files at grading. */
export { DEFAULT_TEST_FILES };

export interface SplitPatch {
  /** Source files: gold.patch. */
  gold: string;
  /** Test files: test.patch. */
  test: string;
  goldFiles: string[];
  testFiles: string[];
}

/**
 * Splits a git-style unified diff into its source and test parts, file by file (each `diff --git`
 * section goes whole to one side), by `testGlobs` on the file's path (new path, or old path for a
 * deletion). Bytes are kept. Pure.
 */
export function splitPatch(patch: string, testGlobs: readonly string[]): SplitPatch {
  const isTest = picomatch([...testGlobs], { dot: true });
  const out: SplitPatch = { gold: '', test: '', goldFiles: [], testFiles: [] };
  const starts = [...patch.matchAll(/^diff --git /gm)].map((m) => m.index);
  for (const [i, start] of starts.entries()) {
    const section = patch.slice(start, starts[i + 1] ?? patch.length);
    const f = diffFiles(section)[0];
    const file = f?.newPath ?? f?.oldPath;
    if (!file) continue;
    if (isTest(file)) {
      out.test += section;
      out.testFiles.push(file);
    } else {
      out.gold += section;
      out.goldFiles.push(file);
    }
  }
  return out;
}

/**
 * F2P/P2P from test results before (test.patch alone) and after (gold + test.patch) the fix. An id
 * that has tests under it (`a` beside `a > b`: a TAP suite's own test point) is a suite, not a
 * test, and is left out, unless `keepParents` (a runner adapter's results hold tests only: a
 * node:test parent test or a uvu suite is a test). Pure.
 */
export function testLists(before: Record<string, string>, after: Record<string, string>, keepParents = false): { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] } {
  const all = [...Object.keys(before), ...Object.keys(after)];
  const suites = new Set(keepParents ? [] : all.flatMap((id) => id.split(' > ').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join(' > '))));
  const passedAfter = Object.keys(after).filter((id) => after[id] === 'PASSED' && !suites.has(id));
  return {
    FAIL_TO_PASS: passedAfter.filter((id) => before[id] !== 'PASSED'),
    PASS_TO_PASS: passedAfter.filter((id) => before[id] === 'PASSED'),
  };
}

export interface CreateOptions extends RunSpec {
  /** Path or URL of the repository. */
  repo: string;
  /** Base commit (any revision the repository resolves). */
  base: string;
  /** A commit (revision) holding the fix and its tests, or a patch file against `base`. */
  fix: string;
  /** Problem statement file; default: the fix commit's message. */
  issue?: string;
  /** instance_id; default `<repo name>-<first 7 of the fix commit or of base>`. */
  id?: string;
  testFiles: readonly string[];
  tasksDir: string;
  /** Write `<tasksDir>/repos/<name>.bundle` and name it in task.yaml (default true); else task.yaml names `repo` as given. */
  bundle: boolean;
  bundleName?: string;
  /** Test runs before and after; results must agree (default 1). */
  runs: number;
  force?: boolean;
  sandbox: Sandbox;
  repoCache: RepoCache;
  workDir: string;
  log?: (s: string) => void;
}

export interface CreateResult {
  dir: string;
  task: TaskYaml;
  goldFiles: string[];
  testFiles: string[];
}

/**
 * Creates `<tasksDir>/<id>/` (and the bundle) from `repo`, `base` and `fix`.
 * @throws UserInputError for a bad repository, revision, patch, flags, or a fix whose tests give no
 *   FAIL_TO_PASS test; InfraError when git or the sandbox fails.
 */
export async function createTask(o: CreateOptions): Promise<CreateResult> {
  const log = o.log ?? (() => {});
  const isUrl = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i.test(o.repo);
  const repo = isUrl ? o.repo : path.resolve(o.repo);
  if (!isUrl && !existsSync(repo)) throw new UserInputError(`--repo ${o.repo}: no such path; give a local git repository, a bundle or a git URL`);
  let mirror: string;
  try {
    mirror = await o.repoCache.mirror(repo, { tasksDir: o.tasksDir });
  } catch (e) {
    throw new UserInputError(`--repo ${o.repo}: cannot be cloned (${(e as Error).message.split('\n')[0]}); give a git repository you can read`);
  }
  const rev = async (r: string, flag: string): Promise<string> => {
    const res = await gitTry(gitAt(mirror), ['rev-parse', '--verify', '--quiet', `${r}^{commit}`]);
    if (!res.ok) throw new UserInputError(`${flag} ${r}: not a commit of ${o.repo}; give a sha or branch of that repository`);
    return res.output.trim();
  };
  const base = await rev(o.base, '--base');
  // The runner and the plain command (from package.json when not given), before any test runs.
  const inferred = await inferRun(mirror, base, o.test_cmd, o.test_report);
  o = { ...o, ...inferred };
  const fixIsFile = existsSync(o.fix);
  const fixSha = fixIsFile ? null : await rev(o.fix, '--fix');

  // The whole fix as a git diff against base.
  let full: string;
  const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
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
  log(`gold.patch: ${split.goldFiles.join(', ')}\ntest.patch: ${split.testFiles.join(', ')}`);

  const id = o.id ?? `${resolveRepoSource(repo, o.tasksDir).name}-${(fixSha ?? base).slice(0, 7)}`;
  // Refuse before any test runs or any bundle is touched, so a refusal changes nothing.
  if (!o.force && existsSync(path.join(o.tasksDir, id))) {
    throw new UserInputError(`${path.join(o.tasksDir, id)} already exists; remove it, choose another id, or pass --force to replace it`);
  }
  const problem_statement = o.issue ? await readFile(o.issue, 'utf8').catch(() => null) : fixSha ? (await gitAt(mirror).raw(['log', '-1', '--format=%B', fixSha])) : null;
  if (problem_statement === null) throw new UserInputError(o.issue ? `--issue ${o.issue}: cannot read the file` : '--issue <file.md> is needed with a patch file: write the issue as a user would file it');
  if (problem_statement.trim() === '') throw new UserInputError('the problem statement is empty; pass --issue <file.md>');

  // Tests before (test.patch alone) and after (gold.patch + test.patch), `runs` times.
  const draft: TaskSpec = {
    instance_id: id, repo, base_commit: base, setup: o.setup, test_cmd: o.test_cmd, test_report: o.test_report, timeout_s: o.timeout_s,
    FAIL_TO_PASS: [], PASS_TO_PASS: [], tags: [], dir: path.join(o.tasksDir, id), problem_statement, patch: split.gold, test_patch: split.test,
  };
  let lists: { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] } | null = null;
  for (let run = 1; run <= o.runs; run++) {
    const results: Record<string, string>[] = [];
    for (const [label, patch] of [['before the fix (test.patch alone)', ''], ['after the fix (gold.patch + test.patch)', split.gold]] as const) {
      const r = await evaluate({ task: draft, modelPatch: patch, gradeEmptyPatch: true, sandbox: o.sandbox, repoCache: o.repoCache, workDir: o.workDir });
      const n = Object.keys(r.parsed).length;
      if (r.outcome === 'tampered') {
        throw new UserInputError(`the test run's evidence did not hold ${label}, run ${run}: ${r.error?.split('\n')[0] ?? ''}; --test-cmd must run the test files test.patch touches (fixbench adds canary tests there) and exit non-zero when a test fails`);
      }
      if (r.outcome === 'infra_error' || r.outcome === 'timeout' || r.outcome === 'patch_failed' || n === 0) {
        throw new UserInputError(`the tests gave no results ${label}, run ${run}: ${r.outcome}${r.error ? `: ${r.error.split('\n')[0]}` : ''}; check --setup, --test-cmd and --test-report\n${r.test_output.slice(-2000)}`);
      }
      log(`run ${run} ${label}: ${Object.values(r.parsed).filter((s) => s === 'PASSED').length}/${n} passed`);
      results.push(r.parsed);
    }
    const l = testLists(results[0]!, results[1]!, reportKind(o.test_report).kind === 'runner');
    if (lists && JSON.stringify(l) !== JSON.stringify(lists)) {
      throw new UserInputError(`run ${run} gave other FAIL_TO_PASS/PASS_TO_PASS lists than run 1: some test is flaky; make the tests deterministic (fixbench tasks validate names them)`);
    }
    lists = l;
  }
  if (!lists!.FAIL_TO_PASS.length) {
    throw new UserInputError('no test fails before the fix and passes after it: FAIL_TO_PASS would be empty; the tests in the fix must check what it fixes');
  }

  let repoField = repo;
  if (o.bundle) repoField = await writeBundle(o, mirror, base, id, repo);
  const createdAt = fixSha ? (await gitAt(mirror).raw(['log', '-1', '--format=%cI', fixSha])).trim() : undefined;
  const yaml: TaskYaml = {
    instance_id: id, repo: repoField, base_commit: base, setup: o.setup, test_cmd: o.test_cmd, test_report: o.test_report,
    FAIL_TO_PASS: lists!.FAIL_TO_PASS, PASS_TO_PASS: lists!.PASS_TO_PASS, timeout_s: o.timeout_s, tags: [],
    ...(createdAt ? { created_at: createdAt } : {}),
  };
  const files: TaskFiles = { yaml, problem_statement, patch: split.gold, test_patch: split.test };
  const dir = await writeTaskFolder(o.tasksDir, files, { force: o.force });
  return { dir, task: yaml, goldFiles: split.goldFiles, testFiles: split.testFiles };
}

/**
 * Writes (or extends) `<tasksDir>/repos/<name>.bundle` so it holds `base` and its history, never
 * the fix: an existing bundle keeps its refs and gains `refs/heads/fixbench/<id>` when it lacks
 * `base`. Returns the bundle name task.yaml uses.
 */
async function writeBundle(o: CreateOptions, mirror: string, base: string, id: string, repo: string): Promise<string> {
  const name = o.bundleName ?? resolveRepoSource(repo, o.tasksDir).name;
  const reposDir = path.join(o.tasksDir, 'repos');
  const file = path.join(reposDir, `${name}.bundle`);
  await mkdir(reposDir, { recursive: true });
  const tmp = await mkdtemp(path.join(o.workDir, 'bundle-'));
  try {
    const git = gitAt(tmp);
    await git.raw(['init', '--quiet', '--bare']);
    if (existsSync(file)) await git.raw(['fetch', '--quiet', '--no-tags', file, '+refs/heads/*:refs/heads/*']);
    if (await hasCommit(tmp, base)) return name;
    const ref = existsSync(file) ? `refs/heads/fixbench/${id}` : 'refs/heads/main';
    await git.raw(['fetch', '--quiet', '--no-tags', mirror, `${base}:${ref}`]);
    const part = `${file}.${process.pid}.tmp`;
    await git.raw(['bundle', 'create', '--quiet', part, '--all']);
    await rename(part, file);
    return name;
  } catch (e) {
    if (e instanceof UserInputError) throw e;
    throw new InfraError(`writing the bundle ${file}: ${(e as Error).message}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
