// The runner adapters (docs/runner-adapters.md), runner detection from the plain test command,
// and reading a report through an adapter.
import { UserInputError } from '../../core/errors.ts';
import type { ReportParseOptions, TestResults } from '../parse/types.ts';
import { avaAdapter, nodeTapAdapter } from './ava-tap.ts';
import { resultsOf } from './entries.ts';
import { jestAdapter, vitestAdapter } from './jest-vitest.ts';
import { jasmineAdapter, karmaAdapter } from './jasmine.ts';
import { mochaAdapter } from './mocha.ts';
import { nodeTestAdapter } from './node-test.ts';
import { tapeAdapter } from './tape.ts';
import { RUNNER_NAMES, type RunnerAdapter, type RunnerName } from './types.ts';
import { uvuAdapter } from './uvu.ts';

export { RUNNER_NAMES, type PlanContext, type RunnerAdapter, type RunnerName, type RunPlan } from './types.ts';
export { aliasFileNames, aliasFullNames, DUPLICATE_SUFFIX_RE, fullNameKey, resultsOf, type TestEntry } from './entries.ts';
export { appendRunnerArgs } from './plan-args.ts';

/** Every adapter, in the order `detectRunner` tries them (node:test last: its pattern is the loosest). */
export const ADAPTERS: readonly RunnerAdapter[] = [vitestAdapter, jestAdapter, mochaAdapter, tapeAdapter, uvuAdapter, avaAdapter, nodeTapAdapter, karmaAdapter, jasmineAdapter, nodeTestAdapter];

/** The adapter named `name`. */
export function adapterOf(name: RunnerName): RunnerAdapter {
  return ADAPTERS.find((a) => a.name === name)!;
}

/** A runner found in a test command. */
export interface Detected {
  adapter: RunnerAdapter;
  /** The runner is reached through `npm test` / `npm run <script>` (flags go after ` -- `). */
  viaNpm: boolean;
  /** The package script that runs it (`scripts.<name>`), when reached through one. */
  script: string | null;
}

/** Shell commands of `cmd` (split at `&&`, `||`, `;`, `|`; quotes are not interpreted), leading `VAR=value` assignments removed. */
function segments(cmd: string): string[] {
  return cmd.split(/\s*(?:&&|\|\||;|\|)\s*/).map((s) => s.trim().replace(/^(?:\w+=\S*\s+)+/, ''));
}

const SCRIPT_RE = /^(npm|pnpm|yarn)(?:\s+(?:--?[\w-]+(?:=\S+)?\s+)*)(?:(?:run(?:-script)?|run)\s+)?([\w:.-]+)(?=\s|$)/;

/**
 * The runner `cmd` runs, from its last shell command, or through `package.json`'s `scripts` (one
 * level) when that command is `npm test`, `npm run <script>`, `yarn <script>` or `pnpm <script>`.
 * Null when no adapter matches. Throws `UserInputError` when the runner is not the last command
 * (fixbench adds its report flags at the end: `npx tape test/*.js | tap-spec` cannot get them).
 */
export function detectRunner(cmd: string, packageJson: unknown): Detected | null {
  const segs = segments(cmd);
  const last = segs[segs.length - 1] ?? '';
  const direct = ADAPTERS.find((a) => a.matches(last));
  if (direct) return { adapter: direct, viaNpm: false, script: null };
  const earlier = segs.slice(0, -1).map((s) => ADAPTERS.find((a) => a.matches(s))).find(Boolean);
  if (earlier) throw new UserInputError(`test_cmd ${JSON.stringify(cmd)}: ${earlier.label} is not its last command, so fixbench cannot add its report flags; make the runner the last command (drop pipes such as "| tap-spec")`);
  const m = SCRIPT_RE.exec(last);
  const scripts = (packageJson as { scripts?: Record<string, unknown> } | null)?.scripts;
  if (!m || !scripts) return null;
  const name = m[2] === 't' ? 'test' : m[2]!;
  const text = typeof scripts[name] === 'string' ? (scripts[name] as string) : null;
  if (text === null) return null;
  const inner = detectRunner(text, null);
  return inner ? { adapter: inner.adapter, viaNpm: m[1] === 'npm', script: name } : null;
}

/**
 * Reads `text` (the report file, or stdout for a runner that prints it) with `adapter`: its
 * tests, ids made by the shared rule (`resultsOf`: cleaned parts, the id rule, ` #n` for
 * duplicates), and the full names of runners that give them (jasmine, karma). Throws `ReportParseError` as the adapter does.
 */
export function parseRunnerReport(adapter: RunnerAdapter, text: string, opts: ReportParseOptions = {}): { results: TestResults; duplicates: number; fullNames: Map<string, string[]> } {
  return parseRunnerReports(adapter, [text], opts);
}

/** `parseRunnerReport` over the reports of several runs of one command, their tests taken together in order (one id rule over all). */
export function parseRunnerReports(adapter: RunnerAdapter, texts: readonly string[], opts: ReportParseOptions = {}): { results: TestResults; duplicates: number; fullNames: Map<string, string[]> } {
  return resultsOf(texts.flatMap((text) => adapter.parse(text, opts)));
}

/** True when `s` names an adapter (`vitest`, …) or is `auto`. */
export function isRunnerReport(s: string): s is RunnerName | 'auto' {
  return s === 'auto' || (RUNNER_NAMES as readonly string[]).includes(s);
}
