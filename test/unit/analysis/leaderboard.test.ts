import { describe, expect, it } from 'vitest';
import { gradedNote, median, rankSummaries, summarise } from '../../../src/analysis/leaderboard.ts';
import { wilsonInterval } from '../../../src/analysis/wilson.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';

const only = <T>(xs: T[]): T => {
  expect(xs).toHaveLength(1);
  return xs[0]!;
};

describe('summarise', () => {
  it('divides by every task of the suite: a task with no record counts as not resolved', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3', 't4'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('m', 't2', 'unresolved', 0.1), makeAttempt('m', 't3', 'resolved', 0.1)]));
    expect(s.trials).toBe(4);
    expect(s.recorded).toBe(3);
    expect(s.missing).toBe(1);
    expect(s.resolved).toBe(2);
    expect(s.resolvedRate).toBe(0.5);
    // Wilson 2/4: denom = 1 + 3.8414588/4 = 1.9603647; centre = (0.5 + 0.4801824)/1.9603647 = 0.5;
    // half = (1.959964/1.9603647)·√(0.0625 + 3.8414588/64) = 0.9997956·√0.1225228 = 0.9997956·0.3500326
    //      = 0.3499610 → [0.1500390, 0.8499610]
    expect(s.resolvedInterval!.low).toBeCloseTo(0.150039, 6);
    expect(s.resolvedInterval!.high).toBeCloseTo(0.849961, 6);
  });

  it('multiplies the denominator by the attempts per task', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, attempts_per_task: 3, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'resolved', 0.1, { attempt: 0 }), makeAttempt('m', 't1', 'resolved', 0.1, { attempt: 2 })]));
    expect(s.trials).toBe(6);
    expect(s.resolved).toBe(2);
    expect(s.resolvedRate).toBeCloseTo(1 / 3, 12);
  });

  it('one resolved and one infra error reads 100% of 1 graded with 1 infra error, not 50%', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('m', 't2', 'infra_error', 0.05)]));
    expect(s).toMatchObject({ resolved: 1, trials: 2, graded: 1, infraErrors: 1, resolvedRate: 1 });
    expect(gradedNote(s)).toBe('1 graded, 1 infra error');
    expect(s.resolvedInterval).toEqual(wilsonInterval(1, 1));
  });

  it('leaves infra errors out of the denominator, apart from the model failures; missing trials stay in', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3', 't4'] }, contenders: [modelContender('m')] });
    const s = only(
      summarise(header, [
        makeAttempt('m', 't1', 'resolved', 0.1),
        makeAttempt('m', 't2', 'infra_error', 0.05),
        makeAttempt('m', 't3', 'patch_failed', 0.1),
        makeAttempt('m', 't4', 'timeout', 0.1),
      ]),
    );
    expect(s.resolvedRate).toBe(1 / 3);
    expect(s.graded).toBe(3);
    expect(gradedNote(s)).toBe('3 graded, 1 infra error');
    expect(s.infraErrors).toBe(1);
    expect(s.failures).toBe(2);
    expect(s.outcomes).toEqual({ resolved: 1, unresolved: 0, empty_patch: 0, patch_failed: 1, timeout: 1, tampered: 0, agent_error: 0, infra_error: 1 });
  });

  it('counts tampered attempts as the model\'s failures and unprotected attempts apart; old records (no fields) are protected-unknown, not counted', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3'] }, contenders: [modelContender('m')] });
    const s = only(
      summarise(header, [
        makeAttempt('m', 't1', 'tampered', 0.1, { error: 'the failing canary test came out passed', canaries: { fail: 'passed', pass: 'passed' } }),
        makeAttempt('m', 't2', 'resolved', 0.1, { unprotected: 'test_report is exit-code' }),
        makeAttempt('m', 't3', 'resolved', 0.1),
      ]),
    );
    expect(s.outcomes.tampered).toBe(1);
    expect(s.failures).toBe(1);
    expect(s.resolved).toBe(2);
    expect(s.unprotectedAttempts).toBe(1);
  });

  it('sums USD over attempts and averages it over the attempts that ran', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3', 't4'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'resolved', 0.25), makeAttempt('m', 't2', 'unresolved', 0.5)]));
    expect(s.totalUsd).toBeCloseTo(0.75, 12);
    expect(s.meanUsdPerTask).toBeCloseTo(0.375, 12); // 0.75 / 2 recorded, not / 4 suite tasks
    expect(s.usdPerResolved).toBeCloseTo(0.75, 12); // 0.75 / 1 resolved
    expect(s.medianUsdPerTask).toBeCloseTo(0.375, 12); // middle of [0.25, 0.5] = (0.25 + 0.5) / 2
  });

  it('takes the median USD per attempt, which one runaway session does not drag up', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('m', 't2', 'unresolved', 9), makeAttempt('m', 't3', 'resolved', 0.2)]));
    // sorted [0.1, 0.2, 9] → 0.2; mean (0.1 + 9 + 0.2)/3 = 3.1
    expect(s.medianUsdPerTask).toBe(0.2);
    expect(s.meanUsdPerTask).toBeCloseTo(3.1, 12);
  });

  it('makes all cost figures null when any attempt of a model has an unknown list price', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m', { price: null })] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'resolved', 0.25), makeAttempt('m', 't2', 'resolved', null)]));
    expect(s.costBasis).toBe('price_unknown');
    expect(s.totalUsd).toBeNull();
    expect(s.meanUsdPerTask).toBeNull();
    expect(s.usdPerResolved).toBeNull();
    expect(s.medianUsdPerTask).toBeNull();
  });

  it('gives null USD per resolved task when nothing was resolved, but keeps the known total', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'unresolved', 0.2), makeAttempt('m', 't2', 'empty_patch', 0.1)]));
    expect(s.resolved).toBe(0);
    expect(s.totalUsd).toBeCloseTo(0.3, 12);
    expect(s.usdPerResolved).toBeNull();
  });

  it('costs gold and noop 0 even when their records carry no list price', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [referenceContender('gold'), referenceContender('noop')] });
    const [gold, noop] = summarise(header, [makeAttempt('gold', 't1', 'resolved', null, { agent: 'gold' }), makeAttempt('noop', 't1', 'empty_patch', 0, { agent: 'noop' })]);
    expect(gold!.costBasis).toBe('no_model');
    expect(gold!.totalUsd).toBe(0);
    expect(gold!.usdPerResolved).toBe(0);
    expect(noop!.totalUsd).toBe(0);
    expect(noop!.usdPerResolved).toBeNull();
  });

  it('adds up tokens by class: input is the whole prompt, cached is the cache-read part', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    const usage = { input_uncached: 100, cache_read: 900, cache_write_5m: 50, cache_write_1h: 10, output: 200, reasoning: 80 };
    const s = only(
      summarise(header, [
        makeAttempt('m', 't1', 'resolved', 0.1, { usage, calls: 3, steps: 3, wall_ms: 1000 }),
        makeAttempt('m', 't2', 'resolved', 0.1, { usage, calls: 5, steps: 4, wall_ms: 3000 }),
      ]),
    );
    expect(s.tokens).toEqual({ input: 2 * 1060, output: 400, cached: 1800, reasoning: 160 });
    expect(s.calls).toBe(8);
    expect(s.steps).toBe(7);
    expect(s.meanWallMs).toBe(2000);
    // cache hit share = 1800 cached / 2120 prompt tokens; prompt tokens per call = 2120 / 8 calls
    expect(s.cacheHitShare).toBeCloseTo(1800 / 2120, 12);
    expect(s.meanPromptTokensPerCall).toBe(265);
  });

  it('has no cache share or tokens per call without prompt tokens or calls', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'agent_error', 0)]));
    expect(s.cacheHitShare).toBeNull();
    expect(s.meanPromptTokensPerCall).toBeNull();
    expect(s.medianUsdPerTask).toBe(0);
  });

  it('ignores records outside the suite, past the attempts per task, or of unknown contenders, and counts them', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m')] });
    const s = only(
      summarise(header, [
        makeAttempt('m', 't1', 'unresolved', 0.1),
        makeAttempt('m', 'not-in-suite', 'resolved', 0.1),
        makeAttempt('m', 't1', 'resolved', 0.1, { attempt: 1 }),
        makeAttempt('stranger', 't1', 'resolved', 0.1),
      ]),
    );
    expect(s.recorded).toBe(1);
    expect(s.resolved).toBe(0);
    expect(s.totalUsd).toBeCloseTo(0.1, 12);
    expect(s.ignoredRecords).toBe(2);
  });

  it('counts a duplicate record once, the last one winning', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, [makeAttempt('m', 't1', 'infra_error', 0.01), makeAttempt('m', 't1', 'resolved', 0.2)]));
    expect(s.recorded).toBe(1);
    expect(s.resolved).toBe(1);
    expect(s.totalUsd).toBeCloseTo(0.2, 12);
    expect(s.ignoredRecords).toBe(1);
  });

  it('reports a null rate and interval for an empty suite', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: [] }, contenders: [modelContender('m')] });
    const s = only(summarise(header, []));
    expect(s.trials).toBe(0);
    expect(s.resolvedRate).toBeNull();
    expect(s.resolvedInterval).toBeNull();
    expect(s.meanUsdPerTask).toBeNull();
  });

  it('copies vendor, region and name from the header', () => {
    const header = makeHeader({ contenders: [modelContender('m', { vendor: 'DeepSeek', region: 'CN', name: 'DeepSeek V3.2' })] });
    const s = only(summarise(header, []));
    expect([s.vendor, s.region, s.name, s.agent, s.costBasis]).toEqual(['DeepSeek', 'CN', 'DeepSeek V3.2', 'bash', 'list_price']);
  });

  it('a contender graded from a predictions file has an unknown cost, never $0 (it recorded none)', () => {
    const preds = { ...referenceContender('gold'), id: 'acme-agent', agent: 'predictions', name: 'acme/agent' };
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [preds] });
    const s = only(summarise(header, [makeAttempt('acme-agent', 't1', 'resolved', null, { agent: 'predictions' }), makeAttempt('acme-agent', 't2', 'empty_patch', null, { agent: 'predictions' })]));
    expect(s.costBasis).toBe('price_unknown');
    expect(s.totalUsd).toBeNull();
    expect(s.resolved).toBe(1);
  });
});

describe('rankSummaries', () => {
  it('orders by resolved rate, then cheaper first, unknown cost last', () => {
    const header = makeHeader({
      suite: { hash: 'h', instance_ids: ['t1', 't2'] },
      contenders: [modelContender('low'), modelContender('unknown', { price: null }), modelContender('dear'), modelContender('cheap')],
    });
    const ranked = rankSummaries(
      summarise(header, [
        makeAttempt('low', 't1', 'unresolved', 0.001),
        makeAttempt('unknown', 't1', 'resolved', null),
        makeAttempt('dear', 't1', 'resolved', 1),
        makeAttempt('cheap', 't1', 'resolved', 0.01),
      ]),
    );
    expect(ranked.map((s) => s.id)).toEqual(['cheap', 'dear', 'unknown', 'low']);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, of unsorted input', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });
});
