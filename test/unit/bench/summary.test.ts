import { describe, expect, it } from 'vitest';
import { BENCH_TIME_TARGET, benchTimeMeasurement, summaryTable } from '../../../bench/lib/summary.ts';
import { ioTimeline } from '../../../bench/lib/io-timeline.ts';
import { single } from '../../../bench/lib/measure.ts';

describe('the bench summary table and its run-time row', () => {
  it('checks a default run of every section against ten minutes, and gives no verdict for a partial one', () => {
    expect(BENCH_TIME_TARGET.limit).toBe(600);
    expect(benchTimeMeasurement(540, true)).toMatchObject({ pass: true, measured: '540 s' });
    expect(benchTimeMeasurement(601, true).pass).toBe(false);
    expect(benchTimeMeasurement(900, false)).toMatchObject({ pass: null, target: null });
  });

  it('lists every figure with a target (and the run time), with its target and verdict, escaping pipes', () => {
    const rows = summaryTable([
      single('a ratio', 1.2, '×', { op: '<=', limit: 1.1, unit: '×' }),
      single('info only', 3, ' ms', null, 0),
      single('x | y', 70, ' MiB', { op: '<=', limit: 200, unit: ' MiB' }, 0),
      benchTimeMeasurement(900, false),
    ]);
    expect(rows).toEqual([
      '| figure | measured | target | verdict |',
      '|---|---|---|---|',
      '| a ratio | 1.20× | ≤ 1.10× | MISS |',
      '| x \\| y | 70 MiB | ≤ 200 MiB | PASS |',
      '| npm run bench: this run (not a default run of every section: no verdict) | 900 s | — | info |',
    ]);
  });
});

describe('the I/O-bound timeline (fake provider side)', () => {
  it('gives per-turn arrival spreads, the most calls waiting at once and the end of the agent phase', () => {
    // Two attempts, 3 calls each, 1000 ms latency; the second starts 200 ms later and runs 100 ms between calls.
    const calls = [
      { at: 1000, turn: 0 }, { at: 2050, turn: 1 }, { at: 3100, turn: 2 },
      { at: 1200, turn: 0 }, { at: 2300, turn: 1 }, { at: 3400, turn: 2 },
    ];
    const tl = ioTimeline(calls, 900, 1000, 3);
    expect(tl.turns).toEqual([
      { turn: 0, calls: 2, first: 100, last: 300, gap: null },
      { turn: 1, calls: 2, first: 1150, last: 1400, gap: null },
      { turn: 2, calls: 2, first: 2200, last: 2500, gap: null },
    ]);
    expect(tl.maxInFlight).toBe(2);
    expect(tl.loopsEnded).toBe(2);
    expect(tl.agentPhaseMs).toBe(3500);
    expect(tl.firstLoopEndMs).toBe(3200);
  });

  it("gives fixbench's turnaround per turn from each call's link to the call it answers", () => {
    // The same two attempts, each call naming its previous one: turnarounds 50 and 100 ms, then 50 and 100 ms.
    const calls = [
      { at: 1000, turn: 0 }, { at: 2050, turn: 1, after: 0 }, { at: 3100, turn: 2, after: 1 },
      { at: 1200, turn: 0 }, { at: 2300, turn: 1, after: 3 }, { at: 3400, turn: 2, after: 4 },
    ];
    expect(ioTimeline(calls, 900, 1000, 3).turns.map((t) => t.gap)).toEqual([null, { median: 50, max: 100 }, { median: 50, max: 100 }]);
  });

  it('frees a slot at a reply before counting an arrival at the same instant; refuses a run where no loop ended', () => {
    expect(ioTimeline([{ at: 0, turn: 0 }, { at: 1000, turn: 1 }], 0, 1000, 2).maxInFlight).toBe(1);
    expect(() => ioTimeline([{ at: 0, turn: 0 }], 0, 1000, 2)).toThrow(RangeError);
  });
});
