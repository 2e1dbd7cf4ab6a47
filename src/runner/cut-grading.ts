// Which gradings the run's interrupt (Ctrl-C, SIGTERM) stops: an attempt with no billed call loses
// nothing when stopped, so its grading ends at the interrupt and the attempt is left unrecorded
// (`--resume` grades it again); an attempt with billed calls past its agent is graded to the end.
import type { ContenderPlan } from '../agents/factory.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { InfraError } from '../core/errors.ts';

/**
 * Whether an attempt of `plan` makes no billed call, so the run's interrupt stops its grading: the
 * reference agents (gold, noop: the task's own patches) and a predictions file's patches. A model
 * or a cascade (built-in agent or agent CLI) is billed: its grading is finished and recorded.
 */
export function stopsOnInterrupt(plan: ContenderPlan): boolean {
  return plan.kind === 'reference' || plan.kind === 'predictions';
}

/** A test pool slot (a p-limit), as `evaluate`'s `testSlot` takes it. */
export type TestSlot = <T>(run: () => Promise<T>) => Promise<T>;

/**
 * The sandbox and test slot an attempt's grading (`evaluate`) uses. When `stop` is true (see
 * `stopsOnInterrupt`) and `signal` is given, both end at its abort: a slot (setup, test command)
 * entered after it runs nothing; a command in flight has its process group killed (the sandbox's
 * `signal`) and its result is dropped. Either throws an `InfraError` ("interrupted…"), which
 * `evaluate` turns into an `infra_error` result, which the runner leaves unrecorded after an
 * interrupt (src/runner/run.ts `runJob`). Otherwise `sandbox` and `slot` are returned as given.
 */
export function gradingUntil(stop: boolean, signal: AbortSignal | undefined, sandbox: Sandbox, slot: TestSlot): { sandbox: Sandbox; testSlot: TestSlot } {
  if (!stop || !signal) return { sandbox, testSlot: slot };
  const check = () => {
    if (signal.aborted) throw new InfraError('interrupted: the grading of an attempt with no billed call was stopped (a resume grades it again)');
  };
  return {
    sandbox: {
      kind: sandbox.kind,
      exec: async (command, opts, warm) => {
        check();
        const res = await sandbox.exec(command, { ...opts, signal: opts.signal ? AbortSignal.any([opts.signal, signal]) : signal }, warm);
        check();
        return res;
      },
    },
    testSlot: (run) => slot(() => (check(), run())),
  };
}
