// `fixbench tasks create`: a task from any git repository and a fix (a commit or a patch file).
// Three steps: `planCreate` checks every flag and the repository (no test runs); `buildTask` runs
// the tests before and after the fix, computes FAIL_TO_PASS/PASS_TO_PASS and lints the task in a
// scratch folder; `saveTask` writes the bundle and the task folder. A refusal at any step writes
// nothing under the tasks folder. `tasks mine` and `tasks fetch` use the same three steps.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TaskSpec, TaskYaml } from '../config/task.ts';
import { UserInputError } from '../core/errors.ts';
import { truncateText } from '../core/truncate.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { reportKind } from '../evaluation/parse/index.ts';
import { DEFAULT_TEST_FILES } from '../evaluation/protected-rule.ts';
import { writeBundle } from './create-bundle.ts';
import { planCreate, type CreateOptions, type CreatePlan } from './create-plan.ts';
import { canaryWarnings, formatProblem, lintTaskFiles } from './lint.ts';
import { testLists } from './split-patch.ts';
import { inferLanguage } from './infer-language.ts';
import { gitAt, gitTry } from '../workspace/git.ts';
import type { TaskFiles } from './swe-bench.ts';
import { taskYamlText, writeTaskFolder } from './write.ts';

/** Default rules for test files: the same globs that protect test files at grading. */
export { DEFAULT_TEST_FILES };
export { splitPatch, testLists, type SplitPatch } from './split-patch.ts';
export type { CreateOptions, CreatePlan } from './create-plan.ts';

/**
 * Why a candidate task was refused after its tests ran (`tasks mine` reports it as the verdict):
 * `setup_failed`, `no_results` (the tests gave no per-test results), `tampered` (the run's
 * evidence did not hold), `flaky` (runs gave other lists), `no_fail_to_pass`, `lint` (the task
 * fails its own lint, e.g. an id with a control character).
 */
export type RejectKind = 'setup_failed' | 'no_results' | 'tampered' | 'flaky' | 'no_fail_to_pass' | 'lint';

/** A UserInputError with the kind of refusal; the message says what to do. */
export class CreateRejected extends UserInputError {
  constructor(readonly kind: RejectKind, message: string) {
    super(message);
  }
}

/** A task built in memory: its files, the plan it came from, warnings, and the test runs' cost. */
export interface BuiltTask {
  plan: CreatePlan;
  files: TaskFiles;
  warnings: string[];
  /** Wall time of each test run (before, after, …, in order), milliseconds, setup included. */
  run_ms: number[];
}

export interface CreateResult {
  dir: string;
  task: TaskYaml;
  goldFiles: string[];
  testFiles: string[];
  warnings: string[];
  run_ms: number[];
}

/**
 * Runs the tests before (test.patch alone) and after (gold.patch + test.patch) the fix `o.runs`
 * times and builds the task's files in memory, then lints them in a scratch folder under
 * `o.workDir` (the same `lintTaskFiles` as `tasks lint`). Writes nothing under `o.tasksDir`.
 * @throws UserInputError from `planCreate` (when `plan` is not given); CreateRejected when the
 *   tests give no usable lists or the task fails lint.
 */
export async function buildTask(o: CreateOptions, given?: CreatePlan): Promise<BuiltTask> {
  const log = o.log ?? (() => {});
  const plan = given ?? (await planCreate(o));
  const { split, id } = plan;
  log(`gold.patch: ${split.goldFiles.join(', ')}\ntest.patch: ${split.testFiles.join(', ')}`);
  const draft: TaskSpec = {
    instance_id: id, repo: plan.repo, base_commit: plan.base, setup: o.setup, test_cmd: plan.test_cmd, test_report: plan.test_report, timeout_s: o.timeout_s,
    FAIL_TO_PASS: [], PASS_TO_PASS: [], tags: [], dir: path.join(o.tasksDir, id), problem_statement: plan.problem_statement, patch: split.gold, test_patch: split.test,
  };
  const run_ms: number[] = [];
  let lists: { FAIL_TO_PASS: string[]; PASS_TO_PASS: string[] } | null = null;
  for (let run = 1; run <= o.runs; run++) {
    const results: Record<string, string>[] = [];
    for (const [label, patch] of [['before the fix (test.patch alone)', ''], ['after the fix (gold.patch + test.patch)', split.gold]] as const) {
      const t0 = Date.now();
      const r = await evaluate({
        task: draft, modelPatch: patch, gradeEmptyPatch: true, sandbox: o.sandbox, repoCache: o.repoCache, workDir: o.workDir,
        ...(o.envCache ? { envCache: o.envCache } : {}),
      });
      run_ms.push(Date.now() - t0);
      const n = Object.keys(r.parsed).length;
      const first = r.error?.split('\n')[0] ?? '';
      if (r.outcome === 'infra_error' && /^setup of /.test(first)) {
        // the rest of the message is setup's output, already cut to head and tail (setupFailureOutput)
        throw new CreateRejected('setup_failed', `setup failed ${label}, run ${run}: ${first}; check --setup\n${r.error!.split('\n').slice(1).join('\n')}`);
      }
      if (r.outcome === 'tampered') {
        throw new CreateRejected('tampered', `the test run's evidence did not hold ${label}, run ${run}: ${first}; --test-cmd must run the test files test.patch touches (fixbench adds canary tests there) and exit non-zero when a test fails`);
      }
      if (r.outcome === 'infra_error' || r.outcome === 'timeout' || r.outcome === 'patch_failed' || n === 0) {
        // a Python module the sandbox's /usr python3 lacks (pytest installed by pyenv or in ~/.local is not visible there)
        const missing = /No module named '?([\w.]+)'?/.exec(r.test_output)?.[1];
        const hint = missing ? `; the sandbox runs /usr's python3, which has no module ${missing}: install it system-wide (apt-get install python3-${missing.split('.')[0]}) or in --setup (README "Test runners", pytest)` : '';
        throw new CreateRejected('no_results', `the tests gave no results ${label}, run ${run}: ${r.outcome}${first ? `: ${first}` : ''}; check --setup, --test-cmd and --test-report${hint}\n${truncateText(r.test_output, 2000)}`);
      }
      log(`run ${run} ${label}: ${Object.values(r.parsed).filter((s) => s === 'PASSED').length}/${n} passed`);
      results.push(r.parsed);
    }
    const l = testLists(results[0]!, results[1]!, reportKind(plan.test_report).kind === 'runner');
    if (lists && JSON.stringify(l) !== JSON.stringify(lists)) {
      throw new CreateRejected('flaky', `run ${run} gave other FAIL_TO_PASS/PASS_TO_PASS lists than run 1: some test is flaky; make the tests deterministic (fixbench tasks validate names them)`);
    }
    lists = l;
  }
  if (!lists!.FAIL_TO_PASS.length) {
    // --base and --fix given the wrong way round read as a fix that changes no test's outcome
    const swapped = plan.fixSha !== null && (await gitTry(gitAt(plan.mirror), ['merge-base', '--is-ancestor', plan.fixSha, plan.base])).ok;
    const hint = swapped ? `; --fix ${o.fix} is an ancestor of --base ${o.base} (it comes before it): --base is the commit before the fix and --fix the one with it, so swap them` : '';
    throw new CreateRejected('no_fail_to_pass', `no test fails before the fix and passes after it: FAIL_TO_PASS would be empty; the tests in the fix must check what it fixes${hint}`);
  }
  const language = await inferLanguage(plan.mirror, plan.base, split.goldFiles);
  const yaml: TaskYaml = {
    instance_id: id, repo: plan.bundleName ?? plan.repo, base_commit: plan.base, setup: o.setup, test_cmd: plan.test_cmd, test_report: plan.test_report,
    FAIL_TO_PASS: lists!.FAIL_TO_PASS, PASS_TO_PASS: lists!.PASS_TO_PASS, timeout_s: o.timeout_s, ...(language ? { language } : {}), tags: [],
    ...(plan.createdAt ? { created_at: plan.createdAt } : {}),
    ...(plan.upstream ? { swe_bench: { repo: plan.upstream } } : {}),
  };
  const files: TaskFiles = { yaml, problem_statement: plan.problem_statement, patch: split.gold, test_patch: split.test };
  const warnings = [...plan.warnings, ...(await lintInMemory(files, o.workDir))];
  return { plan, files, warnings, run_ms };
}

/**
 * Lints `files` as `tasks lint` would (structure, ids, protected files), in a scratch folder under
 * `workDir` that is removed after. @returns the lint warnings (canaries). @throws CreateRejected
 * (`lint`) listing every problem.
 */
async function lintInMemory(files: TaskFiles, workDir: string): Promise<string[]> {
  const dir = path.join(workDir, 'lint', files.yaml.instance_id);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(path.join(dir, 'task.yaml'), taskYamlText(files.yaml));
    await writeFile(path.join(dir, 'problem_statement.md'), files.problem_statement);
    await writeFile(path.join(dir, 'gold.patch'), files.patch);
    await writeFile(path.join(dir, 'test.patch'), files.test_patch);
    const { task, problems } = await lintTaskFiles(dir);
    const rel = (s: string) => s.split(dir).join(`<tasks>/${files.yaml.instance_id}`);
    if (problems.length) {
      throw new CreateRejected('lint', `the task would fail its own lint, so nothing was written:\n${problems.map((p) => `  ${rel(formatProblem(p))}`).join('\n')}`);
    }
    return task ? canaryWarnings(task).map((p) => rel(formatProblem(p))) : [];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes the bundle (when planned) and `<tasksDir>/<id>/` for `built`. @throws UserInputError, InfraError. */
export async function saveTask(o: CreateOptions, built: BuiltTask): Promise<CreateResult> {
  const { plan, files } = built;
  if (plan.bundleName) await writeBundle({ tasksDir: o.tasksDir, workDir: o.workDir, name: plan.bundleName, mirror: plan.mirror, base: plan.base, id: plan.id });
  const dir = await writeTaskFolder(o.tasksDir, files, { force: o.force });
  return { dir, task: files.yaml, goldFiles: plan.split.goldFiles, testFiles: plan.split.testFiles, warnings: built.warnings, run_ms: built.run_ms };
}

/**
 * Creates `<tasksDir>/<id>/` (and the bundle) from `repo`, `base` and `fix`: `planCreate`, then
 * `buildTask`, then `saveTask`.
 * @throws UserInputError for a bad repository, revision, patch or flag, or a fix whose tests give
 *   no usable lists (CreateRejected); InfraError when git or the sandbox fails.
 */
export async function createTask(o: CreateOptions): Promise<CreateResult> {
  return saveTask(o, await buildTask(o));
}
