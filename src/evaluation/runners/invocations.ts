// A test command that runs its runner several times (SWE-bench eval scripts such as Prism's
// `mocha tests/run.js --language markup ; mocha tests/run.js --language markup!+javascript`):
// each invocation gets the adapter's report flags with a report file of its own, and the reports
// are read together, as SWE-bench's log parsers read every report the log holds.
import { refuse } from './plan-args.ts';
import type { PlanContext, RunnerAdapter, RunPlan } from './types.ts';

/** Shell separators between commands (longest first: `||` before `|`). */
const SEP_RE = /(\s*(?:&&|\|\||;|\|)\s*)/;

/** One command of a test command as written, leading `VAR=value` assignments removed (what `matches` sees). */
const bare = (segment: string): string => segment.trim().replace(/^(?:\w+=\S*\s+)+/, '');

/** One planned invocation of the runner: its report file (repository-relative) and where the report comes from. */
export interface Invocation {
  reportPath: string;
  from: RunPlan['from'];
  helper?: RunPlan['helper'];
}

/**
 * The commands of `cmd` that invoke `adapter` directly, by index into `cmd.split(SEP_RE)`
 * (commands at even indexes, separators at odd ones). More than one only when the last command
 * is one of them (`detectRunner` saw the runner there, not through a package script).
 */
export function runnerInvocations(cmd: string, adapter: RunnerAdapter): number[] {
  const pieces = cmd.split(SEP_RE);
  const hits = pieces.map((p, i) => (i % 2 === 0 && adapter.matches(bare(p)) ? i : -1)).filter((i) => i >= 0);
  return hits.length > 1 && hits[hits.length - 1] === pieces.length - 1 ? hits : [];
}

/**
 * Plans every invocation of `adapter` in `cmd` (indexes from `runnerInvocations`, at least two):
 * each command gets the adapter's flags (`plan`, as a direct invocation) with its own report path
 * and helper stem from `ctxOf(n)` (n = 1, 2, … in command order); the rest of `cmd` is kept as
 * written. Throws `UserInputError` before anything runs when a run could be skipped (the
 * invocations must be joined by `;`, so each runs whatever the exit status of the one before:
 * after `&&` a failing first run would leave no report for the second) or when the runner's
 * report comes on stdout (several reports there cannot be told apart), or as `plan` does.
 */
export function planInvocations(
  cmd: string,
  adapter: RunnerAdapter,
  at: readonly number[],
  ctxOf: (n: number) => PlanContext,
): { cmd: string; runs: Invocation[] } {
  const pieces = cmd.split(SEP_RE);
  const seps = pieces.filter((_, i) => i % 2 === 1 && i > at[0]!);
  if (seps.some((s) => s.trim() !== ';')) {
    throw refuse(cmd, `runs ${adapter.label} ${at.length} times, not all joined by ";"; fixbench reads one report per run and needs every run to happen whatever the one before returned: join the runs (and any command between them) with ";"`);
  }
  const runs: Invocation[] = [];
  at.forEach((i, k) => {
    const ctx = { ...ctxOf(k + 1), before: pieces.slice(0, i).join('') };
    const plan = adapter.plan(pieces[i]!, ctx, (c, extra) => (extra === '' ? c : `${c} ${extra}`));
    if (plan.from !== 'file') throw refuse(cmd, `runs ${adapter.label} ${at.length} times, and this ${adapter.label} version prints its report on stdout, where several reports cannot be told apart; run it once (or use a version that writes its report to a file)`);
    pieces[i] = plan.cmd;
    runs.push({ reportPath: ctx.reportPath, from: plan.from, ...(plan.helper ? { helper: plan.helper } : {}) });
  });
  return { cmd: pieces.join(''), runs };
}
