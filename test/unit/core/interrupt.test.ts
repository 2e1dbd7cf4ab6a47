// interruptOn (src/core/shutdown.ts): SIGTERM is handled as Ctrl-C — the first one aborts the run,
// a second one (of either kind) exits at once; the handlers go away when removed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { interruptOn } from '../../../src/core/shutdown.ts';

afterEach(() => vi.restoreAllMocks());

describe('interruptOn', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: the first aborts the run, a second exits with the code', (first) => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const controller = new AbortController();
    const seen: string[] = [];
    const off = interruptOn(controller, (s) => seen.push(s), 130);
    try {
      process.emit(first, first);
      expect(controller.signal.aborted).toBe(true);
      expect(seen).toEqual([first]);
      expect(exit).not.toHaveBeenCalled();
      process.emit(first === 'SIGTERM' ? 'SIGINT' : 'SIGTERM', first);
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      off();
    }
  });

  it('removes its handlers', () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const off = interruptOn(new AbortController(), () => {}, 130);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before[0]! + 1, before[1]! + 1]);
    off();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});
