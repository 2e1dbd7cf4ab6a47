// The run's closing line on tamper evidence (newcomer20 #6): a run whose grading was weakly
// protected, or carried no canaries, said so only in attempts.jsonl. Pure.

/** What this reads of an attempt record (store/records.ts AttemptRecord). */
export interface TamperFacts {
  instance_id: string;
  /** `gold`/`noop`: a reference agent, which forges nothing, so its canaries' odds say nothing of the run: not counted. */
  agent?: string;
  canaries?: { guess?: number | null } | null;
  unprotected?: string | null;
}

/** Up to three task ids, then how many more. */
const tasksText = (ids: readonly string[]): string => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;

/**
 * Lines (two-space indented, none when all is well) naming the graded attempts whose canaries a
 * patch could beat without a guess (`canaries.guess` 1: weakly protected) and those graded without
 * canaries (`unprotected`), with their tasks and where to look: `fixbench tasks validate` says why
 * for each task and what to change. Attempts never graded (no `canaries`, no `unprotected`) count in
 * neither, nor do the reference agents' (`gold`, `noop`). The odds are drawn per grading run (which
 * tests are copied is random), so a task's attempts may differ.
 */
export function tamperSummaryLines(attempts: readonly TamperFacts[]): string[] {
  const graded = attempts.filter((a) => a.agent !== 'gold' && a.agent !== 'noop');
  const weak = graded.filter((a) => a.canaries?.guess === 1);
  const bare = graded.filter((a) => typeof a.unprotected === 'string' && a.unprotected !== '');
  const ids = (xs: readonly TamperFacts[]): string[] => [...new Set(xs.map((a) => a.instance_id))].sort();
  const out: string[] = [];
  // the count varies from run to run (newcomer24 #7): said, with what is counted
  if (weak.length) out.push(`  tamper evidence: ${weak.length} of ${graded.filter((a) => a.canaries).length} attempt(s) graded with canaries weakly protected (recorded odds 1: a patch could tell their canaries from the real tests without a guess; canaries are drawn anew for each grading, so the count varies), on ${tasksText(ids(weak))}: fixbench tasks validate says why and what to change`);
  if (bare.length) out.push(`  tamper evidence: ${bare.length} attempt(s) graded without canaries, on ${tasksText(ids(bare))} (each record's \`unprotected\` says why; fixbench tasks validate warns)`);
  return out;
}
