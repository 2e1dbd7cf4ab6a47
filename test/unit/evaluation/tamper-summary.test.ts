// tamper-summary.ts: the run's closing lines name weakly protected and unprotected gradings (newcomer20 #6).
import { describe, expect, it } from 'vitest';
import { tamperSummaryLines } from '../../../src/evaluation/tamper-summary.ts';

describe('tamperSummaryLines', () => {
  it('is silent when every graded attempt carried canaries a patch must guess, and counts no reference agent', () => {
    expect(tamperSummaryLines([{ instance_id: 'a', agent: 'gold', canaries: { guess: 1 } }, { instance_id: 'a', agent: 'noop', unprotected: 'x' }])).toEqual([]);
    expect(tamperSummaryLines([{ instance_id: 'a', canaries: { guess: 0.5 } }, { instance_id: 'b', canaries: null, unprotected: null }, { instance_id: 'c' }])).toEqual([]);
  });
  it('names the weakly protected (guess 1) and the unprotected attempts with their tasks, three at most', () => {
    const lines = tamperSummaryLines([
      { instance_id: 'mylib-1', canaries: { guess: 1 } }, { instance_id: 'mylib-1', canaries: { guess: 1 } }, { instance_id: 'mylib-2', canaries: { guess: 0.25 } },
      ...['t4', 't1', 't3', 't2'].map((id) => ({ instance_id: id, canaries: null, unprotected: 'test_report is exit-code' })),
    ]);
    expect(lines).toEqual([
      '  tamper evidence: 2 of 3 attempt(s) graded with canaries weakly protected (recorded odds 1: a patch could tell their canaries from the real tests without a guess; canaries are drawn anew for each grading, so the count varies), on mylib-1: fixbench tasks validate says why and what to change',
      '  tamper evidence: 4 attempt(s) graded without canaries, on t1, t2, t3 and 1 more (each record\'s `unprotected` says why; fixbench tasks validate warns)',
    ]);
  });
});
