// Work to finish before the CLI returns its exit code: a module that starts something long-lived
// (the spawn helper) registers how to end it, and src/cli/main.ts awaits every such step once the
// command is done, so nothing fixbench started outlives it and every child is reaped by it.

const steps = new Set<() => Promise<void>>();

/** Registers `step` (an async function that must not throw) to run when the command ends; idempotent per function. */
export function onShutdown(step: () => Promise<void>): void {
  steps.add(step);
}

/** Runs and forgets every registered step, concurrently; resolves when all have settled. */
export async function runShutdown(): Promise<void> {
  const now = [...steps];
  steps.clear();
  await Promise.allSettled(now.map((s) => s()));
}

/** The reason a run's controller is aborted with on SIGINT or SIGTERM (`interruptOn`): an attempt cut by it is run again on `--resume`. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted (${signal})`);
  }
}

/**
 * Handles SIGINT (Ctrl-C) and SIGTERM (CI cancel, `docker stop`, Kubernetes eviction, systemd) the same
 * way until the returned function removes the handlers: the first signal calls `onFirst(name)` and
 * aborts `controller` with a `RunInterrupted` reason (an attempt whose agent is working, or with no billed call and not yet recorded, stops unrecorded; a billed one past its agent is graded and recorded: src/cli/hints.ts `interruptLine`); a second
 * one, of either kind, exits at once with `exitCode`.
 */
export function interruptOn(controller: AbortController, onFirst: (signal: 'SIGINT' | 'SIGTERM') => void, exitCode: number): () => void {
  const handle = (signal: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) process.exit(exitCode);
    onFirst(signal);
    controller.abort(new RunInterrupted(signal));
  };
  const onInt = () => handle('SIGINT');
  const onTerm = () => handle('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
