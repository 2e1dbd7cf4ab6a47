// The report's one-line sanity check of the reference agents (gold, noop) at the top of its first
// screen. Pure: a {@link ReferenceCheck} in, a plain sentence out (escaping is the templates' job).
import type { ReferenceCheck, ReferenceResult } from '../analysis/reference-check.ts';

/** Most tasks a failed check names per reference agent; the rest are counted. */
const MAX_NAMED = 3;

/** The line and whether it reports a failure (the page shows that as a banner). */
export interface ReferenceLine {
  /** E.g. "Sanity check (gold, the task's own fix, must resolve every task; noop, no change, none): gold resolved 16/16, noop 0/16 — passed." */
  text: string;
  failed: boolean;
}

const named = (r: ReferenceResult): string => {
  const shown = r.failures.slice(0, MAX_NAMED).map((f) => (r.id === 'gold' ? `${f.instanceId} (${f.outcome})` : f.instanceId));
  const more = r.failures.length - shown.length;
  return `${shown.join(', ')}${more ? ` and ${more} more` : ''}`;
};

const count = (r: ReferenceResult): string => `${r.id === 'gold' ? 'gold resolved' : 'noop'} ${r.resolved}/${r.trials}${r.missing ? ` (${r.missing} not run)` : ''}`;

/**
 * The sanity-check line: each reference agent that ran with its resolved count, then `passed`,
 * `incomplete` (reference attempts not run) or `failed` naming the tasks that broke the rule (gold
 * must resolve every task, noop none; at most 3 each). Null when neither ran (`check` null).
 */
export function referenceLine(check: ReferenceCheck | null): ReferenceLine | null {
  if (!check) return null;
  const parts = [check.gold, check.noop].filter((r) => r !== null);
  const head = `Sanity check (gold, the task's own fix, must resolve every task; noop, no change, none): ${parts.map(count).join(', ')}`;
  if (check.verdict === 'passed') return { text: `${head} — passed.`, failed: false };
  if (check.verdict === 'incomplete') return { text: `${head} — incomplete: not every reference attempt ran, so the check is not finished.`, failed: false };
  const why = parts.filter((r) => r.failures.length).map((r) => (r.id === 'gold' ? `gold did not resolve ${named(r)}` : `noop resolved ${named(r)} with no change`));
  return { text: `${head} — failed: ${why.join('; ')}. The tasks, the harness or (for an infra_error) the environment is broken: do not trust this run's scores.`, failed: true };
}
