// The `noop` reference agent (DESIGN.md §5): submits nothing. Noop must score 0%.

import type { Agent, AttemptResult } from './types.ts';

/**
 * Gives the empty patch (`given_patch: ''`) with exit status `submitted`; touches nothing, calls no
 * model. Like `predictions`, it does not work in a workspace: the runner makes it none and extracts
 * nothing (runner/attempt-workspace.ts `withoutWorkspace`); the patch graded is the one an untouched
 * workspace would extract. Its tests are still run (the runner's `gradeEmptyPatch`), so the run
 * checks that no task resolves without a fix.
 */
export class NoopAgent implements Agent {
  readonly name = 'noop';

  async attempt(): Promise<AttemptResult> {
    return { given_patch: '', exit_status: 'submitted', calls: [], steps: 0, trajectory: [] };
  }
}
