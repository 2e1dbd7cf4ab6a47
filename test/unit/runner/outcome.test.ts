import { describe, expect, it } from 'vitest';
import { attemptOutcome } from '../../../src/runner/outcome.ts';

describe('attemptOutcome', () => {
  it.each([
    ['submitted', 'resolved', false, 'resolved'],
    ['submitted', 'unresolved', false, 'unresolved'],
    ['submitted', 'empty_patch', false, 'empty_patch'],
    ['submitted', 'patch_failed', false, 'patch_failed'],
    ['submitted', 'timeout', false, 'timeout'],
    // a patch that resolves counts even when a limit ended the attempt (SWE-bench grades the final diff)
    ['step_limit', 'resolved', false, 'resolved'],
    ['step_limit', 'unresolved', false, 'agent_error'],
    ['cost_limit', 'empty_patch', false, 'agent_error'],
    ['format_errors', 'unresolved', false, 'agent_error'],
    ['context_exceeded', 'patch_failed', false, 'agent_error'],
    ['time_limit', 'timeout', false, 'agent_error'],
    // provider or harness faults are never the model's failure
    ['api_error', 'resolved', false, 'infra_error'],
    ['env_error', 'unresolved', false, 'infra_error'],
    ['submitted', 'infra_error', false, 'infra_error'],
    // the run budget cutting an attempt short is not the model's failure either
    ['api_error', 'unresolved', true, 'infra_error'],
  ] as const)('%s + graded %s (budget cut: %s) → %s', (exit, graded, cut, expected) => {
    expect(attemptOutcome(exit, graded, cut)).toBe(expected);
  });
});
