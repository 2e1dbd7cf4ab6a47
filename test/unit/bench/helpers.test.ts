import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fmt, fmtSummary, median, meets, pairedRatio, ratio, summarize, verdictLine } from '../../../bench/lib/stats.ts';
import { seededRandom, syntheticHeader, syntheticRecord, writeSyntheticRun } from '../../../bench/lib/synthetic.ts';
import { BEGIN, END, replaceBlock } from '../../../bench/lib/results-md.ts';
import { manifest, pickTasks } from '../../../bench/overhead.ts';
import type { TaskSpec } from '../../../src/config/task.ts';
import { readRun } from '../../../src/store/store.ts';
import { AttemptRecord } from '../../../src/store/records.ts';
import { loadTasks } from '../../../src/tasks/load.ts';

describe('bench statistics', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses the median of nothing', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('summarizes median and spread', () => {
    expect(summarize([3, 9, 1])).toEqual({ n: 3, median: 3, min: 1, max: 9 });
  });

  it('gives NaN, never Infinity, for a ratio over zero or a non-finite value', () => {
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });

  it('pairs interleaved repetitions before taking the median ratio', () => {
    // Each A is twice the B measured beside it, although the load drifted between repetitions.
    expect(pairedRatio([2, 20, 200], [1, 10, 100])).toEqual({ n: 3, median: 2, min: 2, max: 2 });
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
  });

  it('checks targets in both directions, and a NaN never meets one', () => {
    expect(meets(1.1, { op: '<=', limit: 1.1, unit: '×' })).toBe(true);
    expect(meets(1.11, { op: '<=', limit: 1.1, unit: '×' })).toBe(false);
    expect(meets(1.7, { op: '>=', limit: 1.7, unit: '×' })).toBe(true);
    expect(meets(Number.NaN, { op: '>=', limit: 0, unit: '' })).toBe(false);
  });

  it('prints name, measured value, target and PASS/MISS on one line', () => {
    expect(verdictLine('overhead', fmtSummary(summarize([1.05, 1.2, 1.08]), '×'), 1.08, { op: '<=', limit: 1.1, unit: '×' })).toBe(
      'overhead: 1.08× [1.05–1.20]  target ≤ 1.10×  PASS',
    );
    expect(verdictLine('concurrency', fmt(1.5, '×'), 1.5, { op: '>=', limit: 1.7, unit: '×' })).toBe('concurrency: 1.50×  target ≥ 1.70×  MISS');
    expect(verdictLine('cores', '2', 2, null)).toBe('cores: 2  (no target)  info');
    expect(fmt(Number.NaN, '×')).toBe('n/a');
  });
});

describe('synthetic results', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = seededRandom(9);
    const b = seededRandom(9);
    const c = seededRandom(10);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('writes a results folder the store reads back: every record valid, keys unique, the requested count', async () => {
    const shape = { records: 120, seed: 9, tasks: 4, models: 3 };
    const runDir = join(dir, 'run');
    await writeSyntheticRun(runDir, shape);
    const run = await readRun(runDir);
    expect(run.attempts).toHaveLength(120);
    expect(new Set(run.attempts.map((a) => a.key)).size).toBe(120);
    expect(run.header.attempts_per_task).toBe(10);
    expect(new Set(run.attempts.map((a) => a.instance_id))).toEqual(new Set(run.header.suite.instance_ids));
    expect(new Set(run.attempts.map((a) => a.outcome)).size).toBeGreaterThan(2);
  });

  it('is deterministic: the same seed writes the same bytes', async () => {
    await writeSyntheticRun(join(dir, 'a'), { records: 50, seed: 3 });
    await writeSyntheticRun(join(dir, 'b'), { records: 50, seed: 3 });
    expect(readFileSync(join(dir, 'a', 'attempts.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'b', 'attempts.jsonl'), 'utf8'));
  });

  it('makes records the AttemptRecord schema accepts, with test lists only for attempts whose tests ran', () => {
    const shape = { records: 500, seed: 1, tasks: 10, models: 5 };
    const header = syntheticHeader(shape);
    for (let i = 0; i < 500; i++) {
      const r = AttemptRecord.parse(syntheticRecord(shape, header, i));
      expect(r.tests_status === null).toBe(!['resolved', 'unresolved'].includes(r.outcome));
    }
  });
});

describe('RESULTS.md block and the manual-baseline manifest', () => {
  it('replaces only the generated block, keeping the hand-written notes around it', () => {
    const doc = `# title\nintro\n\n${BEGIN}\nold figures\n${END}\n\n## Notes\nkept\n`;
    const out = replaceBlock(doc, `${BEGIN}\nnew figures\n${END}`);
    expect(out).toBe(`# title\nintro\n\n${BEGIN}\nnew figures\n${END}\n\n## Notes\nkept\n`);
    expect(replaceBlock('# no markers\n', `${BEGIN}\nx\n${END}`)).toBe(`# no markers\n\n${BEGIN}\nx\n${END}\n`);
  });

  it('picks tasks with an empty setup, round-robin across repositories, at most the cap', () => {
    const t = (instance_id: string, repo: string, setup = '') => ({ instance_id, repo, setup }) as TaskSpec;
    const tasks = [t('b-2', 'b'), t('a-1', 'a'), t('a-2', 'a'), t('c-1', 'c', 'npm ci'), t('b-1', 'b'), t('a-3', 'a')];
    expect(pickTasks(tasks, 3).map((x) => x.instance_id)).toEqual(['a-1', 'b-1', 'a-2']);
    expect(pickTasks(tasks, 10).map((x) => x.instance_id)).toEqual(['a-1', 'b-1', 'a-2', 'b-2', 'a-3']);
    expect(pickTasks([t('c-1', 'c', 'npm ci')], 3)).toEqual([]);
  });

  it('writes one tab-separated line per task with the bundle, base_commit, task folder and test_cmd', async () => {
    const tasksDir = join(import.meta.dirname, '../../../tasks');
    const [task] = await loadTasks(tasksDir, ['js-duration-1']);
    const [line] = manifest([task!], tasksDir).trimEnd().split('\n');
    expect(line!.split('\t')).toEqual([task!.instance_id, join(tasksDir, 'repos', 'js-duration.bundle'), task!.base_commit, task!.dir, task!.test_cmd]);
    expect(() => manifest([{ ...task!, test_cmd: 'a\tb' }], tasksDir)).toThrow(/tab or newline/);
  });
});

describe('resume scan of a synthetic run (the scale bench reads it so)', () => {
  it('reads the key of every complete line and skips a torn last line', async () => {
    const { readResumeScan } = await import('../../../src/store/scan.ts');
    const { readRunHeader } = await import('../../../src/store/store.ts');
    const dir = mkdtempSync(join(tmpdir(), 'fixbench-bench-keys-'));
    try {
      await writeSyntheticRun(dir, { records: 30, seed: 2, tasks: 3, models: 2 });
      const { appendFileSync } = await import('node:fs');
      appendFileSync(join(dir, 'attempts.jsonl'), '{"key":"torn');
      const keys = new Set((await readResumeScan(dir, await readRunHeader(dir))).map((r) => r.key));
      const run = await readRun(dir);
      expect(keys).toEqual(new Set(run.attempts.map((a) => a.key)));
      expect(keys.size).toBe(30);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
