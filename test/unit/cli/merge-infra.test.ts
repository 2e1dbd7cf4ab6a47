// What `merge` says about its shards' infra errors: a count per shard, in shard order, and the
// `--retry-errors` command of each, except a shard whose budget was exhausted (a resume would start
// no model attempt).
import { describe, expect, it } from 'vitest';
import { infraErrorCounts, infraErrorNextStep, shardInfraErrors } from '../../../src/cli/merge-infra.ts';
import type { Outcome } from '../../../src/core/outcome.ts';

const shard = (index: number, outcomes: Outcome[], status: 'finished' | 'budget_exhausted' = 'finished') => ({
  given: `res/n-s${index}`, header: { shard: { index, count: 3 }, status }, attempts: outcomes.map((outcome) => ({ outcome })),
});

describe('shardInfraErrors', () => {
  it('counts infra_error records per shard in shard order, each with its --retry-errors command carrying --reports', () => {
    const list = shardInfraErrors([shard(3, ['infra_error']), shard(1, ['resolved', 'unresolved']), shard(2, ['infra_error', 'resolved', 'infra_error'])], { reports: 'my reports', given: ['reports'] }, 'fixbench');
    expect(list).toEqual([
      { shard: '2/3', dir: 'res/n-s2', count: 2, retry: "fixbench run --retry-errors res/n-s2 --reports 'my reports'" },
      { shard: '3/3', dir: 'res/n-s3', count: 1, retry: "fixbench run --retry-errors res/n-s3 --reports 'my reports'" },
    ]);
    expect(infraErrorCounts(list)).toBe('infra errors: 2 in shard 2/3 (res/n-s2), 1 in shard 3/3 (res/n-s3)');
    expect(infraErrorNextStep(list, 'res/n-merged', 'fixbench report res/n-merged')).toBe(
      "next: 3 infra error(s) are left out of every rate's denominator (shard 2/3: 2, shard 3/3: 1); re-run them with:\n" +
        "  fixbench run --retry-errors res/n-s2 --reports 'my reports'\n  fixbench run --retry-errors res/n-s3 --reports 'my reports'\n" +
        'then remove res/n-merged and run this merge again; or build the report of this merge as it is: fixbench report res/n-merged\n',
    );
  });

  it('is empty when no shard has an infra error', () => {
    expect(shardInfraErrors([shard(1, ['resolved']), shard(2, [])], {}, 'fixbench')).toEqual([]);
  });

  it('gives no retry command to a shard whose budget was exhausted, and says why', () => {
    const list = shardInfraErrors([shard(1, ['infra_error'], 'budget_exhausted')], {}, 'fixbench');
    expect(list).toEqual([{ shard: '1/3', dir: 'res/n-s1', count: 1, retry: null }]);
    expect(infraErrorNextStep(list, 'out', 'fixbench report out')).toContain('(shard 1/3, res/n-s1: its run budget was exhausted, which --retry-errors keeps: it would start no model attempt)');
  });
});
