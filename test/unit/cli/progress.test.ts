// Progress output: a cli-progress bar on a terminal, one line per attempt elsewhere, JSON Lines for scripts.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import stripAnsi from 'strip-ansi';
import { Progress } from '../../../src/cli/progress.ts';
import { makeAttempt } from '../analysis/fixtures.ts';

function sink(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; cursorTo?: unknown; clearLine?: unknown; moveCursor?: unknown };
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  if (isTTY) {
    s.isTTY = true;
    s.columns = 200;
    s.cursorTo = (_x: number, _y?: number) => true;
    s.clearLine = () => true;
    s.moveCursor = () => true;
  }
  return { stream: s, text: () => text };
}

const usage = { input_uncached: 900, cache_read: 100, cache_write_5m: 0, cache_write_1h: 0, output: 50, reasoning: 0 };
const recs = [
  makeAttempt('m1', 't1', 'resolved', 0.25, { usage }),
  makeAttempt('m1', 't2', 'unresolved', 0.5, { usage, error: 'tests failed\nmore' }),
];

describe('Progress', () => {
  it('prints one plain line per attempt when not a terminal, and notes a resume', () => {
    const out = sink(false);
    const p = new Progress({ stream: out.stream, json: null });
    p.start(3, [makeAttempt('m1', 't0', 'resolved', 0.1)]);
    for (const r of recs) p.attempt(r);
    p.stop();
    expect(out.text().split('\n')).toEqual([
      'resuming: 1 of 3 attempt(s) already recorded',
      expect.stringMatching(/^\[2\/3\] m1 t1#0: resolved \$0\.25\d* 1,?050 tok \d+\.\ds$/),
      expect.stringMatching(/^\[3\/3\] m1 t2#0: unresolved \$0\.50?\d* 1,?050 tok \d+\.\ds \(tests failed\)$/),
      '',
    ]);
    expect(p.tally).toMatchObject({ done: 3, resolved: 2, tokens: 2100 });
    expect(p.tally.usd).toBeCloseTo(0.85, 12);
  });

  it('emits JSON Lines events for scripts: start, one per attempt with running totals', () => {
    const json = sink(false);
    const p = new Progress({ stream: sink(false).stream, json: json.stream });
    p.start(2, []);
    for (const r of recs) p.attempt(r);
    p.emit({ type: 'summary', ok: true });
    const events = json.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['start', 'attempt', 'attempt', 'summary']);
    expect(events[0]).toEqual({ type: 'start', total: 2, already_done: 0 });
    expect(events[2]).toMatchObject({ done: 2, total: 2, instance_id: 't2', outcome: 'unresolved', tokens: 1050, resolved_so_far: 1 });
    expect(events[2].usd_so_far).toBeCloseTo(0.75, 12);
  });

  it('draws a bar on a terminal with attempts done, resolved so far, USD, tokens and ETA', () => {
    const out = sink(true);
    const p = new Progress({ stream: out.stream, json: null });
    p.start(2, []);
    for (const r of recs) p.attempt(r);
    p.stop();
    const text = stripAnsi(out.text());
    expect(text).toMatch(/2\/2 attempts \| resolved 1 \| \$0\.75\d* \| 2,100 tok \| ETA /);
    expect(text).not.toMatch(/\[1\/2\] m1 t1#0/); // no per-attempt lines on a terminal
  });
});
