// WarmSlot's start delay (src/sandbox/warm.ts) counts from the model call's sending, not from the
// hint: a hint given late (the attempt's workspace made after its first call was sent) starts the
// container at once instead of waiting the whole delay again. A fake backend records the starts.
import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecResult, Sandbox } from '../../../src/sandbox/types.ts';
import { WarmSlot } from '../../../src/sandbox/warm.ts';
import { until } from '../../helpers/proc-marked.ts';

/** A backend whose `startWarm` only counts its calls (no container: `exec` then runs cold). */
function counting(): { backend: Sandbox; starts: () => number } {
  let n = 0;
  const backend: Sandbox = {
    kind: 'bwrap',
    exec: async (): Promise<ExecResult> => ({ stdout: '', stderr: '', exitCode: 0, signal: null, timedOut: false, truncated: false, durationMs: 0 }),
    startWarm: async () => (n++, null),
  };
  return { backend, starts: () => n };
}

const opts: ExecOptions = { cwd: '/nonexistent', timeoutMs: 1000 };
/** A delay no test waits out. */
const LONG_MS = 600_000;

describe('WarmSlot: the start delay counts from the call', () => {
  it('a hint given the delay or more after its call was sent starts the container at once', async () => {
    const { backend, starts } = counting();
    const slot = new WarmSlot(backend, LONG_MS);
    slot.prepare(opts, performance.now() - LONG_MS);
    expect(await until(() => starts() === 1)).toBe(true);
    await slot.drop();
  });

  it('a hint given with its call (the default: now) waits the delay', async () => {
    const { backend, starts } = counting();
    const slot = new WarmSlot(backend, LONG_MS);
    slot.prepare(opts);
    slot.prepare(opts, performance.now() - LONG_MS / 2); // one is due already: not a second timer
    await new Promise((r) => setTimeout(r, 50));
    expect(starts()).toBe(0);
    await slot.drop();
  });
});
