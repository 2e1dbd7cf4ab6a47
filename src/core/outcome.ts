// Outcomes of an attempt (DESIGN.md §6) and exit statuses of an agent (DESIGN.md §5).
import { z } from 'zod';

/** Every attempt ends as exactly one of these (DESIGN.md §6). */
export const Outcome = z.enum([
  'resolved',
  'unresolved',
  'empty_patch',
  'patch_failed',
  'timeout',
  // The test run's evidence is inconsistent (DESIGN.md §11 rule 3): a canary test did not come out
  // as it must, the two result channels disagree, or the exit code contradicts the results.
  'tampered',
  'agent_error',
  'infra_error',
]);
export type Outcome = z.infer<typeof Outcome>;

/** How an agent's attempt ended (DESIGN.md §5, plus `agent_failed` for external CLIs). */
export const ExitStatus = z.enum([
  'submitted',
  'step_limit',
  'cost_limit',
  'time_limit',
  'format_errors',
  'context_exceeded',
  'api_error',
  'env_error',
  // `command` agent only: the external CLI exited non-zero on its own (its patch is still graded).
  'agent_failed',
]);
export type ExitStatus = z.infer<typeof ExitStatus>;

/** Outcomes that are the harness's or provider's fault, never counted as the model's failure. */
export const isInfraOutcome = (o: Outcome): boolean => o === 'infra_error';
