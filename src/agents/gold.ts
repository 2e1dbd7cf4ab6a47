// The `gold` reference agent (DESIGN.md §5): applies the task's reference fix. No model calls.
// Gold must score 100%: it validates tasks and the harness.
import type { Agent, AttemptContext, AttemptResult } from './types.ts';

/**
 * Applies `task.patch` in the workspace through the sandbox (`git apply`, then `git apply --3way`),
 * exit status `submitted` (the runner extracts the workspace's patch). A gold patch that applies
 * nowhere, or a sandbox fault, gives `env_error` (a task or harness problem, never a score).
 */
export class GoldAgent implements Agent {
  readonly name = 'gold';

  /** Never throws: a sandbox fault is an `env_error` result. */
  async attempt(ctx: AttemptContext): Promise<AttemptResult> {
    const { task, workspace, sandbox, limits } = ctx;
    let error: string | undefined;
    try {
      if (task.patch.trim()) {
        const opts = { cwd: workspace.dir, timeoutMs: Math.max(60_000, limits.commandTimeoutMs), input: task.patch };
        const plain = await sandbox.exec('git apply --whitespace=nowarn -', opts);
        if (plain.exitCode !== 0) {
          const threeWay = await sandbox.exec('git apply --3way --whitespace=nowarn -', opts);
          if (threeWay.exitCode !== 0) {
            error = `gold patch does not apply: git apply: ${firstLines(plain.stderr || plain.stdout)}; git apply --3way: ${firstLines(threeWay.stderr || threeWay.stdout)}`;
          }
        }
      }
    } catch (e) {
      error = `sandbox: ${e instanceof Error ? e.message : String(e)}`;
    }
    return {
      exit_status: error === undefined ? 'submitted' : 'env_error',
      calls: [],
      steps: 0,
      trajectory: [],
      ...(error !== undefined ? { error } : {}),
    };
  }
}

const firstLines = (s: string) => s.trim().split('\n').slice(0, 5).join(' | ') || '(no output)';
