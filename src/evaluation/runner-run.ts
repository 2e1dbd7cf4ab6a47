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
import { adapterOf, appendRunnerArgs, detectRunner, parseRunnerReport, type RunnerAdapter, type RunPlan } from './runners/index.ts';
import type { TestResults } from './parse/index.ts';

/** A planned run: the adapter, its plan and the report file's path (repository-relative). */
export interface RunnerRun {
  adapter: RunnerAdapter;
  plan: RunPlan;
  reportPath: string;
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
 * following links; null when unreadable). Writes the adapter's helper module, if any, with
 * O_CREAT|O_EXCL|O_NOFOLLOW. Throws `UserInputError` when no runner is found or the adapter
 * refuses the command or version; nothing has run then.
 */
export async function prepareRunner(dir: string, task: Pick<TaskSpec, 'test_cmd'>, report: RunnerReport): Promise<RunnerRun> {
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
  const reportPath = `${stem}-report`;
  const plan = adapter.plan(task.test_cmd, { reportPath, helperStem: `${stem}-helper`, major }, appendRunnerArgs(viaNpm));
  if (plan.helper) {
    let fh;
    try {
      fh = await open(await noLinkPath(dir, plan.helper.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      await fh.writeFile(plan.helper.text);
    } catch (err) {
      throw new InfraError(`writing the ${adapter.label} report helper ${plan.helper.path}: ${(err as Error).message}`);
    } finally {
      await fh?.close();
    }
  }
  return { adapter, plan, reportPath };
}

/**
 * The results of a run planned by `prepareRunner`: the report file (read by `readReportFile`:
 * regular file, no link, size cap) or `stdout`, parsed by the adapter. `log` is what to append to
 * the test output: the report file's text and how many duplicate ids were told apart;
 * `fullNames` the tests' full names where the runner gives them (`resultsOf`). Throws
 * `InfraError` (no report) or `ReportParseError` (a report that does not hold together).
 */
export async function readRunnerResults(dir: string, r: RunnerRun, stdout: string, status: string, roots: readonly string[], cap: number): Promise<{ results: TestResults; log: string; fullNames: Map<string, string[]> }> {
  let log = '';
  let text = stdout;
  if (r.plan.from === 'file') {
    text = await readReportFile(dir, r.reportPath, `${r.adapter.label} report`, status);
    log += `--- ${r.adapter.label} report ---\n${text.length > cap ? `${text.slice(0, cap)}\n[... cut ...]\n` : text}`;
  }
  const { results, duplicates, fullNames } = parseRunnerReport(r.adapter, text, { roots });
  if (duplicates) log += `--- fixbench: ${duplicates} test(s) share an id with an earlier one: told apart as "<id> #2", "<id> #3", … in report order ---\n`;
  return { results, log, fullNames };
}
