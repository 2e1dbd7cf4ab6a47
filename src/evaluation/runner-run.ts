// One test run through a runner adapter (test_report: auto | vitest | … ; DESIGN.md §6 step 4–5):
// before the run, the runner is detected and the plain test_cmd gets the adapter's report flags
// (and its helper module, written without following links); after it, the report is read on the
// same guarded path as every report file (report-file.ts: nofollow, size cap) or from stdout, and
// parsed by the adapter. Nothing the code under test wrote is executed or interpreted beyond that.
import { randomBytes } from 'node:crypto';
import { constants, open } from 'node:fs/promises';
import type { TaskSpec } from '../config/task.ts';
import { InfraError, UserInputError } from '../core/errors.ts';
import type { RunnerReport } from './parse/index.ts';
import { noLinkPath, readReportFile, readSmallFile } from './report-file.ts';
import { adapterOf, appendRunnerArgs, detectRunner, parseRunnerReports, type RunnerAdapter, type RunPlan } from './runners/index.ts';
import { planInvocations, runnerInvocations, type Invocation } from './runners/invocations.ts';
import { sweNameForm, type SweNameForm } from './runners/swe-names.ts';
import { workspaceSeenByCommand } from '../sandbox/roots.ts';
import type { TestResults } from './parse/index.ts';

/**
 * A planned run: the adapter, its plan (`plan.cmd` the whole command to run; `plan.helper` and
 * `reportPath` those of its last runner invocation) and every invocation's report, in command
 * order (one, or several when test_cmd runs the runner several times joined by `;`).
 */
export interface RunnerRun {
  adapter: RunnerAdapter;
  plan: RunPlan;
  reportPath: string;
  runs: Invocation[];
  /** The form of the task's SWE-bench names (`sweNameForm`), for the adapter's parse. */
  nameForm: SweNameForm;
}

/** Largest package.json read for detection, bytes. */
const MAX_PACKAGE_JSON = 4 * 1024 * 1024;

/** `package.json` at `path` in `dir` parsed, or null (absent, linked, too big or not JSON). */
async function readJson(dir: string, path: string): Promise<unknown> {
  const text = await readSmallFile(dir, path, MAX_PACKAGE_JSON);
  try {
    return text === null ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/**
 * The adapter for `report` (`auto`: detected from `task.test_cmd` and the workspace's
 * package.json), with `test_cmd` planned: report flags added, the report at a random name at the
 * root, the installed runner's major version read from `node_modules/<pkg>/package.json` (without
 * following links; null when unreadable), and the form of the task's SWE-bench names
 * (`sweNameForm`: from `ids` and `swe_bench.log_parser`). Writes the adapter's helper module, if any, with
 * O_CREAT|O_EXCL|O_NOFOLLOW. Throws `UserInputError` when no runner is found or the adapter
 * refuses the command or version; nothing has run then.
 */
export async function prepareRunner(dir: string, task: Pick<TaskSpec, 'test_cmd'> & Partial<Pick<TaskSpec, 'ids' | 'swe_bench'>>, report: RunnerReport): Promise<RunnerRun> {
  const pkg = await readJson(dir, 'package.json');
  const detected = detectRunner(task.test_cmd, pkg);
  if (report === 'auto' && !detected) {
    throw new UserInputError(`test_report auto: no test runner found in test_cmd ${JSON.stringify(task.test_cmd)} (or the package.json script it runs); name it (test_report: vitest, jest, mocha, tape, node-test, uvu, ava, node-tap, jasmine or karma)`);
  }
  const adapter = report === 'auto' ? detected!.adapter : adapterOf(report);
  const viaNpm = detected?.adapter === adapter ? detected.viaNpm : /^\s*npm\s/.test(task.test_cmd);
  const stem = `.fixbench-${randomBytes(8).toString('hex')}`;
  const version = adapter.pkg ? ((await readJson(dir, `node_modules/${adapter.pkg}/package.json`)) as { version?: unknown } | null)?.version : null;
  const major = typeof version === 'string' && /^\d+/.test(version) ? Number(/^\d+/.exec(version)![0]) : null;
  const root = await workspaceSeenByCommand(dir);
  const several = detected?.adapter === adapter && !detected.script ? runnerInvocations(task.test_cmd, adapter) : [];
  let plan: RunPlan;
  let runs: Invocation[];
  if (several.length) {
    const ctxOf = (n: number) => ({ reportPath: `${stem}-${n}-report`, helperStem: `${stem}-${n}-helper`, major, root });
    const planned = planInvocations(task.test_cmd, adapter, several, ctxOf);
    runs = planned.runs;
    plan = { cmd: planned.cmd, from: 'file', ...(runs.at(-1)!.helper ? { helper: runs.at(-1)!.helper } : {}) };
  } else {
    const reportPath = `${stem}-report`;
    plan = adapter.plan(task.test_cmd, { reportPath, helperStem: `${stem}-helper`, major, root }, appendRunnerArgs(viaNpm));
    runs = [{ reportPath, from: plan.from, ...(plan.helper ? { helper: plan.helper } : {}) }];
  }
  for (const { helper } of runs) {
    if (!helper) continue;
    let fh;
    try {
      fh = await open(await noLinkPath(dir, helper.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      await fh.writeFile(helper.text);
    } catch (err) {
      throw new InfraError(`writing the ${adapter.label} report helper ${helper.path}: ${(err as Error).message}`);
    } finally {
      await fh?.close();
    }
  }
  return { adapter, plan, reportPath: runs.at(-1)!.reportPath, runs, nameForm: sweNameForm(task) };
}

/**
 * The results of a run planned by `prepareRunner`: each invocation's report file (read by
 * `readReportFile`: regular file, no link, size cap) or `stdout`, parsed by the adapter; the
 * tests of several invocations are taken together in command order (one id rule over all, so a
 * test both runs report is told apart as `<id> #2`). `log` is what to append to the test output:
 * the report files' text (each cut at `cap` characters) and how many duplicate ids were told
 * apart; `fullNames` the tests' full names where the runner gives them (`resultsOf`). Throws
 * `InfraError` (a report missing) or `ReportParseError` (a report that does not hold together).
 */
export async function readRunnerResults(dir: string, r: RunnerRun, stdout: string, status: string, roots: readonly string[], cap: number): Promise<{ results: TestResults; log: string; fullNames: Map<string, string[]> }> {
  let log = '';
  const texts: string[] = [];
  for (const [k, run] of r.runs.entries()) {
    if (run.from !== 'file') {
      texts.push(stdout);
      continue;
    }
    const which = r.runs.length > 1 ? ` (run ${k + 1} of ${r.runs.length})` : '';
    const text = await readReportFile(dir, run.reportPath, `${r.adapter.label} report${which}`, status);
    log += `--- ${r.adapter.label} report${which} ---\n${text.length > cap ? `${text.slice(0, cap)}\n[... cut ...]\n` : text}`;
    texts.push(text);
  }
  const { results, duplicates, fullNames } = parseRunnerReports(r.adapter, texts, { roots, nameForm: r.nameForm });
  if (duplicates) log += `--- fixbench: ${duplicates} test(s) share an id with an earlier one: told apart as "<id> #2", "<id> #3", … in report order ---\n`;
  return { results, log, fullNames };
}
