// --shard auto: each CI engine's variables pick the same shard as the explicit --shard i/n.
import { describe, expect, it } from 'vitest';
import { parseShard, parseShardOrAuto } from '../../../src/cli/args.ts';
import { shardFromEnv } from '../../../src/cli/shard-env.ts';
import { UserInputError } from '../../../src/core/errors.ts';

const err = (env: Record<string, string>) => {
  try {
    shardFromEnv(env);
  } catch (e) {
    expect(e).toBeInstanceOf(UserInputError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('shardFromEnv', () => {
  // For 4 shards, shard i/4 under each engine's own numbering.
  const engines: [string, (i: number, n: number) => Record<string, string>][] = [
    ['GitHub Actions matrix (strategy.job-index / job-total)', (i, n) => ({ FIXBENCH_SHARD_INDEX: String(i - 1), FIXBENCH_SHARD_TOTAL: String(n) })],
    ['GitLab CI parallel:', (i, n) => ({ CI_NODE_INDEX: String(i), CI_NODE_TOTAL: String(n) })],
    ['Buildkite parallelism:', (i, n) => ({ BUILDKITE_PARALLEL_JOB: String(i - 1), BUILDKITE_PARALLEL_JOB_COUNT: String(n) })],
    ['Kubernetes Indexed Job', (i, n) => ({ JOB_COMPLETION_INDEX: String(i - 1), FIXBENCH_SHARD_TOTAL: String(n) })],
  ];
  for (const [engine, vars] of engines) {
    it(`${engine}: every shard of 1, 3 and 4 equals --shard i/n`, () => {
      for (const n of [1, 3, 4]) {
        for (let i = 1; i <= n; i++) expect(shardFromEnv(vars(i, n)).shard).toEqual(parseShard(`${i}/${n}`));
      }
    });
  }

  it('outside CI (nothing set): says nothing was run, that GitHub Actions sets none itself, what it reads in order, and the fix (newcomer12 #10)', () => {
    const m = err({});
    expect(m).toMatch(/^--shard auto: none of the shard variables it reads is set, so there is no shard to take and nothing was run \(expected outside a CI job that sets them, e\.g\. on your own machine; GitHub Actions sets none of them itself\)/);
    expect(m).toMatch(/FIXBENCH_SHARD_INDEX and FIXBENCH_SHARD_TOTAL \(fixbench's own variables, set by you or your workflow; index from 0\); CI_NODE_INDEX and CI_NODE_TOTAL \(GitLab CI; index from 1\)/);
    expect(m).toContain('fix: give the shard as --shard i/n (1-based), or set FIXBENCH_SHARD_INDEX=<i-1> FIXBENCH_SHARD_TOTAL=<n>');
    expect(shardFromEnv({ FIXBENCH_SHARD_INDEX: '0', FIXBENCH_SHARD_TOTAL: '2' }).source).toBe("fixbench's own variables, set by you or your workflow (FIXBENCH_SHARD_INDEX=0, FIXBENCH_SHARD_TOTAL=2)");
  });

  it('says where the shard came from', () => {
    expect(shardFromEnv({ CI_NODE_INDEX: '2', CI_NODE_TOTAL: '4' }).source).toBe('GitLab CI (CI_NODE_INDEX=2, CI_NODE_TOTAL=4)');
  });

  it('GitLab without parallel: (CI_NODE_TOTAL=1, no index) is "not set"; fixbench\'s own pair wins over an engine\'s', () => {
    expect(err({ CI_NODE_TOTAL: '1' })).toMatch(/none of the shard variables it reads is set/);
    expect(shardFromEnv({ FIXBENCH_SHARD_INDEX: '0', FIXBENCH_SHARD_TOTAL: '2', CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' }).shard).toEqual({ index: 1, count: 2 });
  });

  it('none set: refuses, naming every variable it reads', () => {
    const m = err({});
    for (const v of ['FIXBENCH_SHARD_INDEX', 'FIXBENCH_SHARD_TOTAL', 'CI_NODE_INDEX', 'CI_NODE_TOTAL', 'BUILDKITE_PARALLEL_JOB', 'BUILDKITE_PARALLEL_JOB_COUNT', 'JOB_COMPLETION_INDEX']) expect(m).toContain(v);
    expect(m).toMatch(/give the shard as --shard i\/n/);
  });

  it('malformed values: clear errors naming the variable, its value and the engine\'s numbering', () => {
    expect(err({ CI_NODE_INDEX: 'two', CI_NODE_TOTAL: '4' })).toMatch(/CI_NODE_INDEX="two" \(GitLab CI\) is not a whole number/);
    expect(err({ CI_NODE_INDEX: '0', CI_NODE_TOTAL: '4' })).toMatch(/CI_NODE_INDEX=0 is outside 1…4 for CI_NODE_TOTAL=4 \(GitLab CI counts from 1\)/);
    expect(err({ BUILDKITE_PARALLEL_JOB: '4', BUILDKITE_PARALLEL_JOB_COUNT: '4' })).toMatch(/BUILDKITE_PARALLEL_JOB=4 is outside 0…3/);
    expect(err({ FIXBENCH_SHARD_INDEX: '0', FIXBENCH_SHARD_TOTAL: '0' })).toMatch(/FIXBENCH_SHARD_TOTAL=0 .* must be from 1 to 1000/);
    expect(err({ FIXBENCH_SHARD_INDEX: '-1', FIXBENCH_SHARD_TOTAL: '2' })).toMatch(/FIXBENCH_SHARD_INDEX="-1" .* is not a whole number/);
    expect(err({ JOB_COMPLETION_INDEX: '1' })).toMatch(/JOB_COMPLETION_INDEX=1 is set \(Kubernetes Indexed Job\) but FIXBENCH_SHARD_TOTAL is not \(set it to the Job's spec.completions/);
    expect(err({ CI_NODE_INDEX: '1' })).toMatch(/CI_NODE_INDEX=1 is set \(GitLab CI\) but CI_NODE_TOTAL is not/);
  });

  it('--shard accepts auto besides i/n', () => {
    expect(parseShardOrAuto('auto')).toBe('auto');
    expect(parseShardOrAuto('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShardOrAuto('automatic')).toThrow(/or auto/);
  });
});
