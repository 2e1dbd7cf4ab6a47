// The bash agent's write-behind trajectory saves (src/agents/bash-saver.ts).
import { describe, expect, it } from 'vitest';
import { TrajectorySaver } from '../../../src/agents/bash-saver.ts';
import type { Trajectory } from '../../../src/core/trajectory.ts';

const doc = (n: number) => ({ steps: n }) as unknown as Trajectory;
const stepsOf = (d: Trajectory) => (d as unknown as { steps: number }).steps;
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A sink whose writes wait for `release()`; `written` lists the documents in the order they were handed in. */
function heldSink(fail?: (n: number) => boolean) {
  const written: number[] = [];
  const gates: Array<() => void> = [];
  return {
    written,
    release: () => gates.splice(0).forEach((g) => g()),
    sink: async (d: Trajectory) => {
      written.push(stepsOf(d));
      await new Promise<void>((r) => gates.push(r));
      if (fail?.(stepsOf(d))) throw new Error(`cannot write ${stepsOf(d)}`);
    },
  };
}

describe('TrajectorySaver', () => {
  it('keeps one write in flight and lets the latest waiting document replace the others', async () => {
    const s = heldSink();
    const saver = new TrajectorySaver(s.sink, 0);
    saver.later(doc(1));
    await tick();
    saver.later(doc(2));
    saver.later(doc(3));
    await tick();
    expect(s.written).toEqual([1]);
    s.release();
    await tick();
    expect(s.written).toEqual([1, 3]);
    s.release();
  });

  it('writes the final document after the write in flight and drops a waiting one; its own failure rejects', async () => {
    const s = heldSink((n) => n === 9);
    const saver = new TrajectorySaver(s.sink, 0);
    saver.later(doc(1));
    await tick();
    saver.later(doc(2));
    const final = saver.now(doc(9));
    await tick();
    expect(s.written).toEqual([1]);
    s.release();
    await tick();
    s.release();
    await expect(final).rejects.toThrow('cannot write 9');
    expect(s.written).toEqual([1, 9]);
  });

  it('keeps the first failed background write as its error and writes nothing more behind the loop', async () => {
    const s = heldSink(() => true);
    const saver = new TrajectorySaver(s.sink, 0);
    saver.later(doc(1));
    await tick();
    s.release();
    await tick();
    expect(saver.error?.message).toBe('cannot write 1');
    saver.later(doc(2));
    await tick();
    expect(s.written).toEqual([1]);
  });

  it('without a sink writes nothing and never fails', async () => {
    const saver = new TrajectorySaver(undefined, 0);
    saver.later(doc(1));
    await expect(saver.now(doc(2))).resolves.toBeUndefined();
    expect(saver.error).toBeNull();
  });
});
