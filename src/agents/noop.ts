// The `noop` reference agent (DESIGN.md §5): submits nothing. Noop must score 0%.

import type { Agent, AttemptResult } from './types.ts';

/** Returns an empty patch with exit status `submitted`; touches nothing, calls no model. */
export class NoopAgent implements Agent {
  readonly name = 'noop';

  async attempt(): Promise<AttemptResult> {
    return { exit_status: 'submitted', calls: [], steps: 0, trajectory: [] };
  }
}
