// The `predictions` agent: replays a SWE-bench predictions file (`instance_id`, `model_name_or_path`,
// `model_patch`) made by any other agent, so its patches are graded like any attempt. No model calls.
import type { Agent, AttemptResult } from './types.ts';
import type { TaskSpec } from '../config/task.ts';

/**
 * Returns the predicted `model_patch` of the task as given (the runner's evaluation normalises and
 * applies it); a null, empty or absent prediction is the empty patch, which grades as
 * `empty_patch` without running anything. Exit status `submitted`; touches nothing.
 */
export class PredictionsAgent implements Agent {
  readonly name = 'predictions';

  /** @param patches instance_id → model_patch (null = none). */
  constructor(private readonly patches: ReadonlyMap<string, string | null>) {}

  async attempt(ctx: { task: Pick<TaskSpec, 'instance_id'> }): Promise<AttemptResult> {
    const patch = this.patches.get(ctx.task.instance_id) ?? '';
    return { given_patch: patch, exit_status: 'submitted', calls: [], steps: 0, trajectory: [] };
  }
}
