import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { offFirst, perTaskAdded, suiteAddedOfMedians, suiteAddedPercent, type CostPair } from '../../../bench/lib/paired-cost.ts';
import { childCpuMs, shellQuote, withTreeCpu } from '../../../bench/lib/tree-cpu.ts';

const pair = (task: string, off: number, on: number, offCpu = off, onCpu = on): CostPair => ({ task, off: { wallMs: off, cpuMs: offCpu }, on: { wallMs: on, cpuMs: onCpu } });

describe('added cost of interleaved pairs', () => {
  it('gives each slot the added percentage of the suite (ratio of sums, not a mean of ratios)', () => {
    const slots = [[pair('a', 100, 110), pair('b', 900, 900)], [pair('a', 100, 100), pair('b', 1000, 1100, 500, 550)]];
    expect(suiteAddedPercent(slots, 'wallMs')).toEqual([1, 100 / 11]);
    expect(suiteAddedPercent(slots, 'cpuMs')[1]).toBeCloseTo((50 / 600) * 100);
  });

  it('refuses a slot with nothing measured without the addition', () => {
    expect(() => suiteAddedPercent([[]], 'wallMs')).toThrow(RangeError);
    expect(() => suiteAddedPercent([[pair('a', 0, 5)]], 'wallMs')).toThrow(/slot 0/);
  });

  it('takes per task the median run without and the median of the paired differences', () => {
    const got = perTaskAdded([pair('a', 100, 130), pair('b', 50, 50), pair('a', 300, 310), pair('a', 200, 200)], 'wallMs');
    expect([...got.keys()]).toEqual(['a', 'b']);
    // differences 30, 10, 0 → 10 (not the difference of the medians, 200 − 130 … 310)
    expect(got.get('a')).toEqual({ offMs: 200, addedMs: 10, n: 3 });
    expect(got.get('b')).toEqual({ offMs: 50, addedMs: 0, n: 1 });
  });

  it('orders pairs ABBA: each side first twice in every four, flipped on demand', () => {
    expect([0, 1, 2, 3, 4].map((k) => offFirst(k))).toEqual([true, false, false, true, true]);
    expect([0, 1, 2, 3].map((k) => offFirst(k, true))).toEqual([false, true, true, false]);
  });
});

describe('CPU time of a command tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tree-cpu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the children line of bash `times`', () => {
    expect(childCpuMs('0m0.004s 0m0.001s\n0m1.250s 0m0.310s\n')).toBe(1560);
    expect(childCpuMs('0m0.000s 0m0.000s\n1m2.000s 0m0.500s')).toBe(62500);
  });

  it('refuses output that is not `times`', () => {
    expect(() => childCpuMs('')).toThrow(/times/);
    expect(() => childCpuMs('0m1.0s')).toThrow(/times/);
  });

  it("quotes a command with single quotes as one bash word", () => {
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote("it's $HOME")}`]).toString()).toBe("it's $HOME");
  });

  it("keeps the command's output and exit status and writes its tree's CPU time", () => {
    const file = join(dir, 'times');
    // The grandchild (a busy loop in a subshell the inner bash waits for) is counted.
    const cmd = withTreeCpu(`echo 'out'; ( i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done ); exit 3`, file);
    let status = 0;
    let out = '';
    try {
      out = execFileSync('bash', ['-c', cmd]).toString();
    } catch (e) {
      status = (e as { status: number }).status;
      out = String((e as { stdout: Buffer }).stdout);
    }
    expect(status).toBe(3);
    expect(out).toBe('out\n');
    expect(childCpuMs(readFileSync(file, 'utf8'))).toBeGreaterThan(0);
  });
});

describe('added cost of the suite from per-task medians', () => {
  it('sums the tasks\' median differences over their median runs without, so one spike moves it little', () => {
    // a: differences 10, 10, 900 (a spike) → 10; b: 0, 0, 0
    const pairs = [pair('a', 100, 110), pair('b', 1000, 1000), pair('a', 100, 110), pair('b', 1000, 1000), pair('a', 100, 1000), pair('b', 1000, 1000)];
    expect(suiteAddedOfMedians(pairs, 'wallMs')).toBeCloseTo((10 / 1100) * 100);
  });

  it('refuses no pairs', () => {
    expect(() => suiteAddedOfMedians([], 'cpuMs')).toThrow(RangeError);
  });
});
