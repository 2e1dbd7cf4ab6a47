// Combines how the agent ended with how its patch graded into the one outcome of an attempt
// (DESIGN.md §5–6). Pure.
import type { ExitStatus, Outcome } from '../core/outcome.ts';

/**
 * The attempt's outcome.
 * - The provider failing after retries (`api_error`), the sandbox failing (`env_error`) or the run's
 *   own budget cutting the attempt short are `infra_error`: not the model's failure, re-runnable.
 * - Otherwise the patch is graded whatever ended the attempt (as SWE-bench grades any final diff):
 *   a resolved patch is `resolved` even after a limit; an unresolved one after a limit
 *   (`step_limit`, `cost_limit`, `time_limit`, `format_errors`, `context_exceeded`) is `agent_error`;
 *   after `submitted`, the evaluation's outcome stands (`unresolved`, `empty_patch`, `patch_failed`, `timeout`).
 */
export function attemptOutcome(exit: ExitStatus, graded: Outcome, cutByRunBudget: boolean): Outcome {
  if (cutByRunBudget) return 'infra_error';
  if (exit === 'api_error' || exit === 'env_error') return 'infra_error';
  if (graded === 'resolved' || graded === 'infra_error') return graded;
  if (exit === 'submitted') return graded;
  return 'agent_error';
}
