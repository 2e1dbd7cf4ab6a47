// Shards split attempts by a stable hash of their key; merge joins shard runs and refuses
// mismatched format versions, suites, configurations, duplicate or misplaced attempts.
import { describe, expect, it } from 'vitest';
import { inShard, shardOfKey } from '../../../src/store/shard.ts';
import { mergeShards, type ShardInput } from '../../../src/store/merge.ts';
import { resumeMismatches } from '../../../src/store/compat.ts';
import { attemptKey } from '../../../src/core/ids.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { newestFirst, runStatusLabel } from '../../../src/store/run-label.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';
import type { AttemptRecord } from '../../../src/store/records.ts';

const keys = Array.from({ length: 200 }, (_, i) => attemptKey(`task-${i % 40}`, { agent: 'gold' }, Math.floor(i / 40)));

describe('shards', () => {
  it('i/n for i = 1..n are disjoint and together hold every key, on every call', () => {
    for (const n of [1, 2, 3, 7]) {
      const parts = Array.from({ length: n }, (_, i) => keys.filter((k) => inShard(k, { index: i + 1, count: n })));
      expect(parts.flat().sort()).toEqual([...keys].sort());
      expect(new Set(parts.flat()).size).toBe(keys.length);
      if (n > 1) for (const p of parts) expect(p.length).toBeGreaterThan(keys.length / n / 3); // no empty or lopsided shard
    }
    expect(keys.map((k) => shardOfKey(k, 5))).toEqual(keys.map((k) => shardOfKey(k, 5)));
    expect(inShard(keys[0]!, null)).toBe(true);
  });

  it('keys depend on task, agent config and attempt index only', () => {
    expect(attemptKey('t', { agent: 'gold' }, 0)).toBe(attemptKey('t', { agent: 'gold' }, 0));
    expect(attemptKey('t', { agent: 'gold' }, 1)).not.toBe(attemptKey('t', { agent: 'gold' }, 0));
  });
});

const suite = { hash: 'suite-a', instance_ids: ['t1', 't2', 't3', 't4', 't5', 't6'] };
const contenders = [referenceContender('gold')];
const allRecords: AttemptRecord[] = suite.instance_ids.flatMap((id) =>
  [0, 1].map((a) => makeAttempt('gold', id, 'resolved', 0, { agent: 'gold', attempt: a, key: attemptKey(id, { agent: 'gold' }, a) })),
);
function shard(index: number, count: number, over: Parameters<typeof makeHeader>[0] = {}): ShardInput {
  const s = { index, count };
  return {
    dir: `/results/s${index}`,
    header: makeHeader({ run_id: `s${index}`, suite, contenders, shard: s, started_at: `2026-04-01T0${index}:00:00.000Z`, ...over }),
    attempts: allRecords.filter((r) => inShard(r.key, s)).map((r) => ({ ...r, run_id: `s${index}` })),
  };
}

describe('mergeShards', () => {
  it('joins every shard into the records of the whole run, in suite order, under the new run id', () => {
    const m = mergeShards([shard(2, 3), shard(1, 3), shard(3, 3)], 'nightly');
    expect(m.attempts.map((r) => r.key)).toEqual(allRecords.map((r) => r.key));
    expect(m.attempts.every((r) => r.run_id === 'nightly')).toBe(true);
    expect(m.header).toMatchObject({ run_id: 'nightly', shard: null, merged_from: ['s1', 's2', 's3'], started_at: '2026-04-01T01:00:00.000Z' });
  });

  it('dates each merge by its own merged_at (started_at stays the earliest shard start): two merges of the same shards are told apart and ordered', () => {
    const first = mergeShards([shard(1, 2), shard(2, 2)], 'm1', { mergedAt: '2026-04-02T00:00:00.000Z' }).header;
    const second = mergeShards([shard(1, 2), shard(2, 2)], 'm2', { mergedAt: '2026-04-03T00:00:00.000Z' }).header;
    expect(first.started_at).toBe(second.started_at);
    expect([first.merged_at, second.merged_at]).toEqual(['2026-04-02T00:00:00.000Z', '2026-04-03T00:00:00.000Z']);
    expect([first, second].sort(newestFirst).map((h) => h.run_id)).toEqual(['m2', 'm1']);
    expect(Date.parse(mergeShards([shard(1, 2), shard(2, 2)], 'm').header.merged_at!)).toBeGreaterThan(Date.parse('2026-04-04T00:00:00Z')); // default: now
  });

  it('keeps the models file the shards all name (so --resume of the merged run finds the models), and names none when they differ', () => {
    const mf = { file: 'models.yaml', content_hash: 'aaaa' };
    expect(mergeShards([shard(1, 2, { models_file: mf }), shard(2, 2, { models_file: mf })], 'm').header.models_file).toEqual(mf);
    const other = mergeShards([shard(1, 2, { models_file: mf }), shard(2, 2, { models_file: { ...mf, content_hash: 'bbbb' } })], 'm').header;
    expect(other.models_file).toBeUndefined();
    expect(other.note).toContain('shards name different models files (models.yaml (sha256 aaaa), models.yaml (sha256 bbbb)): none is recorded, so --resume and --retry-errors of the merged run need --models-file');
    const older = mergeShards([shard(1, 2), shard(2, 2, { models_file: mf })], 'm').header;
    expect(older.models_file).toBeUndefined();
    expect(older.note).toContain('none recorded');
    expect(mergeShards([shard(1, 2), shard(2, 2)], 'm').header).not.toHaveProperty('models_file');
  });

  it('refuses a different task suite, naming both folders', () => {
    const bad = shard(2, 2, { suite: { ...suite, hash: 'suite-b' } });
    expect(() => mergeShards([shard(1, 2), bad], 'm')).toThrow(/\/results\/s2: task suite suite-b, but \/results\/s1 ran suite suite-a/);
  });

  it('refuses a different store format version', () => {
    const bad = shard(2, 2, { format_version: 3 as never });
    expect(() => mergeShards([shard(1, 2), bad], 'm')).toThrow(/\/results\/s2: store format_version 3, but \/results\/s1 has 2/);
  });

  it('refuses a different configuration, a shard named twice, a missing shard, and a non-shard run', () => {
    expect(() => mergeShards([shard(1, 2), shard(2, 2, { attempts_per_task: 3 })], 'm')).toThrow(/s2: its configuration differs from \/results\/s1: attempts_per_task: 1 → 3/);
    expect(() => mergeShards([shard(1, 2), { ...shard(1, 2), dir: '/results/copy' }], 'm')).toThrow(/\/results\/copy: shard 1\/2 is also \/results\/s1/);
    expect(() => mergeShards([shard(1, 3), shard(3, 3)], 'm')).toThrow(/shard\(s\) 2\/3 missing/);
    const partial = mergeShards([shard(1, 3), shard(3, 3)], 'm', { allowMissing: true }).header;
    expect(partial.note).toMatch(/^partial merge: shard 2\/3 missing/);
    // marked partial by a field, so every listing says so (not only the note): "finished" alone would read as whole
    expect(partial.missing_shards).toEqual([{ index: 2, count: 3 }]);
    expect(partial.status).toBe('finished');
    expect(runStatusLabel(partial)).toBe('finished (partial merge: shard 2/3 missing)');
    expect(mergeShards([shard(1, 3), shard(2, 3), shard(3, 3)], 'm').header).not.toHaveProperty('missing_shards');
    expect(() => mergeShards([{ ...shard(1, 1), header: makeHeader({ suite, contenders }) }], 'm')).toThrow(UserInputError);
  });

  it('refuses an attempt recorded in two shards, or in a shard its key does not hash to', () => {
    const a = shard(1, 2);
    const b = shard(2, 2);
    const foreign = b.attempts[0]!;
    expect(() => mergeShards([{ ...a, attempts: [...a.attempts, foreign] }, b], 'm')).toThrow(new RegExp(`/results/s1: attempt ${foreign.key} .* does not belong to shard 1/2`));
    const one = shard(1, 1);
    expect(() => mergeShards([{ ...one, attempts: [...one.attempts, one.attempts[0]!] }], 'm')).toThrow(/is also recorded in \/results\/s1/);
  });
});

describe('mergeShards: legacy and current shards, stray records', () => {
  it('refuses to merge a shard written before RunConfig with one written after (the key schemes differ)', () => {
    const config = { fixture: true } as never;
    const current = shard(1, 2, { config });
    const legacy = shard(2, 2);
    expect(() => mergeShards([current, legacy], 'm')).toThrow(/\/results\/s2 was written before RunConfig and \/results\/s1 after/);
    expect(() => mergeShards([legacy, current], 'm')).toThrow(/\/results\/s2 was written before RunConfig/);
  });

  it('refuses one attempt recorded twice under different keys, and a record of a contender or task the header does not list', () => {
    const one = shard(1, 1);
    const twin = { ...one.attempts[0]!, key: 'other-key-scheme' };
    const withTwin = { ...one, header: { ...one.header, shard: { index: 1, count: 1 } }, attempts: [...one.attempts, twin] };
    // the twin's key hashes to shard 1/1 (one shard holds every key)
    expect(() => mergeShards([withTwin], 'm')).toThrow(/gold t1#0 is already recorded at \/results\/s1 attempt .* \(under another key\)/);
    const alien = { ...one.attempts[0]!, key: 'k-alien', contender: 'intruder' };
    expect(() => mergeShards([{ ...one, attempts: [alien] }], 'm')).toThrow(/contender "intruder" is not among the run's contenders/);
    const offSuite = { ...one.attempts[0]!, key: 'k-off', instance_id: 'not-a-task' };
    expect(() => mergeShards([{ ...one, attempts: [offSuite] }], 'm')).toThrow(/task "not-a-task" is not in the run's suite/);
  });
});

describe('resumeMismatches', () => {
  it('names each difference of a run that predates RunConfig by its run.json field, stored → now', () => {
    const h = makeHeader({ suite, contenders });
    expect(resumeMismatches(h, { ...h, run_id: 'other', started_at: 'later' })).toEqual([]);
    expect(resumeMismatches(h, { ...h, suite: { ...suite, hash: 'x' }, limits: { ...h.limits, steps: 9 } })).toEqual([
      'suite.hash: "suite-a" → "x"',
      'limits.steps: 50 → 9',
    ]);
  });
});
