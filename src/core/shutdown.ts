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
