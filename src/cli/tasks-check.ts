// `fixbench tasks lint` and `fixbench tasks validate`: the structure of task folders, then their
// behaviour (SWE-bench-style validation), with a report file.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { commandPrefix, shellWord } from './hints.ts';
import { EnvCache, defaultCacheDir } from '../workspace/env-cache.ts';
import { createSandbox, type SandboxChoice } from '../sandbox/index.ts';
import { untrustedWork } from './trust.ts';
import { lintTasks, formatProblem, type LintProblem } from '../tasks/lint.ts';
import { validateTask, type TaskValidation, type ValidationReport } from '../tasks/validate.ts';
import { RepoCache } from '../workspace/index.ts';
import { defaultTasksDir, reportFileOption } from './common.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { textTable } from './table.ts';
import { NO_CANARY, SYNTHETIC_ONLY } from '../evaluation/canary-host.ts';
import { NOT_UTF8 } from '../evaluation/host-text.ts';

const log = (s: string) => process.stderr.write(s + '\n');

/** The repo cache every task command shares with `fixbench run`. */
export const repoCacheFor = (tasksDir: string): RepoCache => new RepoCache({ tasksDir, cacheDir: path.join(PACKAGE_ROOT, '.fixbench-cache', 'repos') });

/**
 * An unknown task id of `tasks lint`/`validate` run without `--tasks` (the bundled folder): the same error,
 * with the fix of the usual cause, a task of one's own folder (`tasks create --tasks <dir>` wrote it
 * there). Any other error, or one with `--tasks` given, unchanged.
 */
function ownTasksHint(e: unknown, command: 'lint' | 'validate', ids: readonly string[], given: string | undefined): unknown {
  if (given !== undefined || !(e instanceof UserInputError) || !e.message.startsWith('unknown task id')) return e;
  return new UserInputError(`${e.message}\n  fix: a task of your own folder? name it: \`${commandPrefix()} tasks ${command} ${ids.map(shellWord).join(' ')} --tasks <dir>\` (the --tasks folder tasks create wrote)`, { cause: e });
}

/** `fixbench tasks lint [ids]`: prints every problem (`file: field: message`), then a summary line (stdout; stderr with --json); exit 2 when there is any. */
export async function tasksLintCommand(ids: string[], o: { tasks?: string; json?: boolean }): Promise<number> {
  const tasksDir = defaultTasksDir(o.tasks);
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-lint-'));
  try {
    const r = await lintTasks(tasksDir, repoCacheFor(tasksDir), { ids, workDir: work }).catch((e: unknown) => {
      throw ownTasksHint(e, 'lint', ids, o.tasks);
    });
    if (o.json) process.stdout.write(JSON.stringify({ checked: r.checked, problems: r.problems, warnings: r.warnings }, null, 2) + '\n');
    else {
      for (const p of r.problems) process.stdout.write(formatProblem(p) + '\n');
      for (const p of r.warnings) process.stdout.write(`warning: ${formatProblem(p)}\n`);
    }
    const bad = new Set(r.problems.map((p) => p.instance_id)).size;
    const warned = r.warnings.length ? `; ${r.warnings.length} warning(s) (tamper evidence missing or weak: see each warning)` : '';
    const summary = `linted ${r.checked.length} task(s): ${r.problems.length ? `${r.problems.length} problem(s) in ${bad} task(s)` : 'no problems'}${warned}`;
    // the summary is the command's answer: on stdout with the problems (stderr under --json, whose stdout is the JSON alone)
    if (o.json) log(summary);
    else process.stdout.write(summary + '\n');
    return r.problems.length ? ExitCode.invalidInput : ExitCode.ok;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface ValidateCliOptions {
  tasks?: string;
  runs: number;
  concurrency: number;
  sandbox: SandboxChoice;
  /** `--report <file>`: the JSON report (default `<reports>/tasks-validation.json`). */
  report?: string;
  /** `--reports <dir>`: the reports folder, as `run` and `eval` take it. */
  reports: string;
  json?: boolean;
  /** `--cache-dir`: environment cache folder (default {@link defaultCacheDir}). */
  cacheDir?: string;
  /** false with `--no-env-cache`: setup runs afresh in every evaluation. */
  envCache?: boolean;
}

/**
 * `fixbench tasks validate [ids]`: lints, then validates every sound task (`validateTask`, `runs`
 * times), writes the JSON report to `--report` (default `<--reports>/tasks-validation.json`) and a
 * readable table beside it (`.txt`), prints the
 * table and the elapsed time. Exit 3 when any task is invalid.
 * @throws UserInputError (exit 2, no report written) when the folder holds no task to validate.
 */
export async function tasksValidateCommand(ids: string[], o: ValidateCliOptions): Promise<number> {
  const t0 = Date.now();
  const started_at = new Date().toISOString();
  const tasksDir = defaultTasksDir(o.tasks);
  const reportFile = await reportFileOption(o, 'tasks-validation.json');
  const repoCache = repoCacheFor(tasksDir);
  const sandbox = await createSandbox(o.sandbox, { untrusted: untrustedWork({ tasksDir, taskIds: ids }) });
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-validate-'));
  const envCache = o.envCache === false ? undefined : new EnvCache(path.resolve(o.cacheDir ?? defaultCacheDir()));
  const results: TaskValidation[] = [];
  try {
    const lint = await lintTasks(tasksDir, repoCache, { ids, workDir: work }).catch((e: unknown) => {
      throw ownTasksHint(e, 'validate', ids, o.tasks);
    });
    if (lint.checked.length === 0) {
      // "0 tasks, all valid" would be a pass of nothing, and would overwrite the last real report
      throw new UserInputError(`tasks validate: no task in ${tasksDir}; nothing validated, ${reportFile} not written\n  fix: build tasks there first (\`${commandPrefix()} tasks fetch <suite.yaml> --tasks ${shellWord(tasksDir)}\` or \`${commandPrefix()} tasks create --tasks ${shellWord(tasksDir)} …\`), or name another --tasks folder`);
    }
    const byTask = new Map<string, LintProblem[]>();
    for (const p of lint.problems) byTask.set(p.instance_id, [...(byTask.get(p.instance_id) ?? []), p]);
    log(`validating ${lint.checked.length} task(s) in ${tasksDir}: ${o.runs} run(s) each, sandbox ${sandbox.kind}; env cache ${envCache ? envCache.dir : 'off'}`);
    for (const id of lint.checked) {
      const problems = byTask.get(id);
      if (problems) results.push({ instance_id: id, valid: false, reasons: problems.map(formatProblem), flaky: [], runs: [], wall_ms: 0 });
    }
    const limit = pLimit(o.concurrency);
    const sound = lint.tasks.filter((t) => !byTask.has(t.instance_id));
    await Promise.all(
      sound.map((task) =>
        limit(async () => {
          const v = await validateTask(task, {
            sandbox, repoCache, workDir: work, runs: o.runs, ...(envCache ? { envCache } : {}),
            onRun: (r) => log(`  ${task.instance_id} run ${r.run}/${o.runs} ${r.phase === 'test_patch_only' ? 'test.patch alone' : 'gold + test.patch'}: ${r.outcome}, tests ${(r.test_ms / 1000).toFixed(1)} s`),
          });
          results.push(v);
          log(`  ${v.instance_id}: ${v.valid ? 'valid' : 'INVALID'} (${(v.wall_ms / 1000).toFixed(1)} s)`);
          const weakFiles = lint.warnings.find((p) => p.instance_id === v.instance_id && p.weak);
          for (const w of [weaklyProtected(v, weakFiles ? formatProblem(weakFiles) : null), withoutHookCanary(v)]) if (w) log(`  warning: ${v.instance_id}: ${w}`);
        }),
      ),
    );
  } finally {
    await sandbox.cleanup();
    await rm(work, { recursive: true, force: true });
  }
  results.sort((a, b) => a.instance_id.localeCompare(b.instance_id));
  const wall_ms = Date.now() - t0;
  const report: ValidationReport = {
    format_version: 1,
    tasks_dir: tasksDir,
    started_at,
    finished_at: new Date().toISOString(),
    wall_ms,
    runs: o.runs,
    sandbox: sandbox.kind,
    valid: results.every((r) => r.valid),
    tasks: results,
  };
  const table = validationTable(report);
  await mkdir(path.dirname(reportFile), { recursive: true });
  await writeFile(reportFile, JSON.stringify(report, null, 2) + '\n');
  await writeFile(reportFile.replace(/(\.json)?$/, '.txt'), table);
  if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(table);
  const invalid = results.filter((r) => !r.valid).length;
  log(`validated ${results.length} task(s) in ${(wall_ms / 1000).toFixed(1)} s: ${invalid ? `${invalid} invalid` : 'all valid'}; report: ${reportFile}`);
  return invalid ? ExitCode.gateFailed : ExitCode.ok;
}

/**
 * One `canaries.echoed` entry as the warning names it: its file, test, value (as written, sign kept)
 * and its tell: the value the rest of the test writes (`input`, also an older record's entry without
 * a tell), or the value its token counts give away (`count`).
 */
export function echoedText(e: { file: string; test: string; value: string; tell?: 'input' | 'count' | undefined }): string {
  const head = `${e.file}: "${e.test}" expects ${JSON.stringify(e.value)}`;
  return e.tell === 'count'
    ? `${head}, which the rest of that test gives away by a count (its input writes that value's words a different number of times than a changed value's)`
    : `${head}, which the rest of that test writes (its input)`;
}

/**
 * The warning for a task whose gold runs carried canaries a patch beats without a guess (the
 * record's `canaries.guess` 1, said in user words: every FAIL_TO_PASS title and expected value
 * readable before the run, or a single test, or only synthetic canaries, or expected values the
 * tests' own input holds): what a patch can do, what it wins, naming
 * the weak files, and each test whose input reveals its expected value (`canaries.echoed`: up to 3,
 * with the value) and the fix; null otherwise. `lintWeak`: the task's lint warning on its weakly
 * protected test files (src/tasks/lint.ts `canaryWarnings`, a `weak` problem, as `formatProblem`
 * gives it), or null: when given it is the fix named, word for word what `tasks create` and
 * `tasks lint` printed for that file, so the commands never give two fixes for one file.
 */
export function weaklyProtected(v: Pick<TaskValidation, 'runs'>, lintWeak: string | null = null): string | null {
  const c = v.runs.find((r) => r.phase === 'gold_and_test_patch' && r.canaries?.guess === 1)?.canaries;
  if (!c) return null;
  const head = `weakly protected${c.weak?.length ? ` (${c.weak.join(', ')})` : ''}: a patch can tell the canaries (copies of its tests with a changed expected value, which must fail) from the real tests without a guess, so one that rewrites the test results to pass exactly its FAIL_TO_PASS tests, leaving the canaries failing, is graded resolved instead of tampered`;
  const echoed = [...new Map((c.echoed ?? []).map((e) => [`${e.file}\0${e.test}`, e])).values()];
  if (!echoed.length) return lintWeak ? `${head}; fix: ${lintWeak}` : `${head}; why: no failing test there is hidden from a patch (every title and expected value can be read before the tests run, or a file has a single test); fix: give it a failing test test.patch adds, or have test.patch write the expected value (tasks/README.md "Canary tests and result channels")`;
  const named = echoed.slice(0, 3).map(echoedText).join('; ');
  return `${head}: ${named}${echoed.length > 3 ? ` (and ${echoed.length - 3} more)` : ''}; so a patch tells each such test from its canary copy by what its input reveals. Fix: add a failing test whose expected answer is not a slice of its input (a count, a length, a computed or transformed value), or give the test an input that does not hold its answer (tasks/README.md "Canary tests and result channels")${lintWeak ? `; and: ${lintWeak}` : ''}`;
}

/**
 * The warning for a task whose gold runs left node:test test files without a hook canary
 * (`canaries.unhooked`, evaluation/canary-hook.ts), naming each file and why (the first gold run
 * that records any), or whose gold run carried no canaries (`unprotected`, naming why); null
 * otherwise. A file with no canary at all (its why ends in canary-host.ts NO_CANARY) is told apart:
 * any flipped failure of it goes unseen, not only a hook's; and so is a file holding the synthetic
 * pair only (why = SYNTHETIC_ONLY): the pair has a fixed, recognisable shape, so a patch flipping the
 * file's other failures and leaving the pair alone goes unseen.
 */
export function withoutHookCanary(v: Pick<TaskValidation, 'runs'>): string | null {
  const gold = v.runs.filter((r) => r.phase === 'gold_and_test_patch');
  const u = gold.find((r) => r.canaries?.unhooked?.length)?.canaries?.unhooked ?? [];
  const notText = u.filter((x) => x.why.includes(NOT_UTF8));
  const none = u.filter((x) => x.why.endsWith(NO_CANARY) && !notText.includes(x));
  const synthetic = u.filter((x) => x.why === SYNTHETIC_ONLY);
  const hookless = u.filter((x) => !x.why.endsWith(NO_CANARY) && x.why !== SYNTHETIC_ONLY);
  const unprotected = gold.find((r) => r.unprotected)?.unprotected;
  const named = (xs: typeof u): string => xs.map((x) => `${x.file} (${x.why})`).join('; ');
  const noneFix = 'register its tests by a name fixbench reads (`it`, `test`, `describe`, … or node:test\'s functions imported under another name, called with a literal title and a function) or name it as node runs test files (`*.test.js`), so it gets canaries (tasks/README.md "Canary tests and result channels")';
  const out = [
    unprotected ? `unprotected: its gold run carried no canaries (${unprotected}): a patch rewriting the test results to turn failures into passes goes unseen; ${unprotected.includes(NO_CANARY) ? noneFix : 'tasks/README.md "Canary tests and result channels" says which tasks get them'}` : '',
    none.length ? `no canary in ${named(none)}: a patch rewriting that file's test events to turn any failure into a pass goes unseen there; ${noneFix}` : '',
    notText.length ? `no canary in ${named(notText)}: a patch rewriting that file's test events to turn any failure into a pass goes unseen there; save the file as UTF-8 (its coding line, if any, saying so) so fixbench can add canaries to it` : '',
    synthetic.length ? `only the synthetic canary pair in ${synthetic.map((x) => x.file).join('; ')} (no test of the file can be copied): the pair is recognisable by its fixed shape, so a patch rewriting that file's test events to turn its other failures into passes, leaving the pair alone, goes unseen there; give the file tests fixbench reads and can copy (\`it('…', () => { assert.equal(f(2), 4); })\` at top level or in a \`describe\` callback, not inside a function a loader calls: tasks/README.md "Canary tests and result channels")` : '',
    hookless.length ? `no hook canary in ${named(hookless)}: fixbench gives a node:test file a copy of one of its tests that a \`beforeEach\` hook makes fail, and could not here for the reason in parentheses, so a patch that rewrites that file's test results to turn hook failures into passes is not caught there; fix: give the file a test asserting the equality of a literal (\`assert.equal(f(2), 4)\`) in a test function with no parameter or one used only as \`t.assert\` (tasks/README.md "Canary tests and result channels")` : '',
  ].filter(Boolean);
  return out.length ? out.join('; and ') : null;
}

/** The report as text: one row per task (reasons: their count, "-" for none), then every reason of every invalid task. */
export function validationTable(report: ValidationReport): string {
  const rows = report.tasks.map((t) => {
    const listed = t.runs[0] ? Object.keys(t.runs[0].tests).length : 0;
    return [t.instance_id, t.valid ? 'valid' : 'INVALID', listed, t.flaky.length, (t.wall_ms / 1000).toFixed(1), t.reasons.length || '-'];
  });
  let text = textTable(['instance_id', 'verdict', 'listed tests', 'flaky', 'seconds', 'reasons'], rows);
  for (const t of report.tasks.filter((x) => !x.valid)) {
    text += `\n${t.instance_id}:\n${t.reasons.map((r) => `  - ${r}`).join('\n')}\n`;
  }
  text += `\n${report.tasks.length} task(s), ${report.runs} run(s) each, ${(report.wall_ms / 1000).toFixed(1)} s\n`;
  return text;
}
