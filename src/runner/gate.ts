// The reference agents' gate (DESIGN.md §5): gold must resolve every task and noop none, else the
// suite or the harness is broken and no score from the run can be trusted. Pure.
import type { AttemptRecord, RunHeader } from '../store/records.ts';

/**
 * Problems with the reference agents' results, one sentence each; empty when the gate holds or no
 * reference agent ran. A task gold did not resolve is named with its outcome and error; so is a
 * task noop resolved (its FAIL_TO_PASS tests pass without any fix).
 */
export function referenceGate(header: RunHeader, attempts: readonly AttemptRecord[]): string[] {
  const problems: string[] = [];
  const ids = new Set(header.contenders.map((c) => c.id));
  if (ids.has('gold')) {
    const bad = attempts.filter((a) => a.contender === 'gold' && a.outcome !== 'resolved');
    if (bad.length) {
      const infra = bad.every((a) => a.outcome === 'infra_error');
      problems.push(
        `gold did not resolve ${bad.map((a) => `${a.instance_id} (${a.outcome}${a.error ? `: ${a.error.message.split('\n')[0]}` : ''})`).join(', ')}; ` +
          (infra
            ? `these are infra errors (the harness, sandbox, cache or network failed, not the task): fix the cause named, then \`npx fixbench run --retry-errors ${header.run_id}\``
            : "fix the task's gold.patch, test.patch or test lists"),
      );
    }
  }
  if (ids.has('noop')) {
    const bad = attempts.filter((a) => a.contender === 'noop' && a.outcome === 'resolved');
    if (bad.length) {
      problems.push(`noop resolved ${bad.map((a) => a.instance_id).join(', ')} without any change; their FAIL_TO_PASS tests already pass at base_commit`);
    }
  }
  return problems;
}
