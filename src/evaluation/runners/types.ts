// The runner adapter interface (docs/runner-adapters.md): one module per test runner under
// src/evaluation/runners/, each saying whether a command runs it, how to make the plain command
// also leave a machine-readable report, and how to read that report into per-test results.
import type { ReportParseOptions } from '../parse/types.ts';
import type { TestEntry } from './entries.ts';

/** The runners with an adapter; `test_report: <name>` names one, `test_report: auto` detects it. */
export const RUNNER_NAMES = ['vitest', 'jest', 'mocha', 'tape', 'node-test', 'uvu', 'ava', 'node-tap', 'jasmine', 'karma'] as const;
export type RunnerName = (typeof RUNNER_NAMES)[number];

/** What the workspace tells an adapter before the run (read by fixbench, never executed). */
export interface PlanContext {
  /** Repository-relative path of the report file fixbench reads (random name at the root). */
  reportPath: string;
  /** Repository-relative path fixbench may write a helper module to (same random stem, no extension: the adapter adds one). */
  helperStem: string;
  /** Major version of the runner installed in the workspace (`node_modules/<pkg>/package.json`), null when it cannot be read. */
  major: number | null;
  /**
   * The workspace as the test command sees it (absolute: sandbox/roots.ts `workspaceSeenByCommand`);
   * the node-test adapter names its reporter and report under it, so a command that runs node in a
   * folder (`cd packages/x && node --test`) finds them. Absent: paths relative to the command's folder.
   */
  root?: string;
  /**
   * The command text before the one being planned, when that one is a command of a longer one
   * (runners/invocations.ts `planInvocations`): an adapter that inserts paths reads their quoting
   * there (core/shell-quote.ts `shellWordAt`). Absent: the planned command is the whole command.
   */
  before?: string;
}

/** How one run goes: the command to run and where its report comes from. */
export interface RunPlan {
  /** The plain command with the adapter's reporter flags added. */
  cmd: string;
  /** `file`: the report is the file at `PlanContext.reportPath`; `stdout`: the command's standard output. */
  from: 'file' | 'stdout';
  /** A helper module fixbench writes into the workspace before the run (a reporter or preload): repository-relative path and text. */
  helper?: { path: string; text: string };
}

/**
 * One test runner. `matches` and `plan` see only the command text and the plan context; `parse`
 * sees only the report text (already decoded, ANSI codes not yet removed: `parse` strips them if
 * its format can hold them). All three are pure and run on the host: they never execute anything.
 */
export interface RunnerAdapter {
  name: RunnerName;
  /** The runner's name in messages and the README table. */
  label: string;
  /** npm package whose `package.json` gives `PlanContext.major`. */
  pkg: string;
  /** True when `segment` (one shell command: no `&&`, `;` or `|`) invokes this runner directly. */
  matches(segment: string): boolean;
  /**
   * Adds the report flags to `cmd` (`args`: where the runner's own arguments go, see
   * `appendRunnerArgs`). Throws `UserInputError` when this command or installed version cannot
   * give a report (e.g. a runner version with no usable reporter), before any test runs.
   */
  plan(cmd: string, ctx: PlanContext, args: (cmd: string, extra: string) => string): RunPlan;
  /** Reads the report into tests, in report order. Throws `ReportParseError` for a report that does not hold together. */
  parse(text: string, opts: ReportParseOptions): TestEntry[];
}
