import { describe, expect, it } from 'vitest';
import { analyseRun } from '../../../src/analysis/run.ts';
import { repriceRun } from '../../../src/pricing/reprice.ts';
import { zeroUsage } from '../../../src/core/usage.ts';
import type { CascadeStage, Contender } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader, modelContender } from './fixtures.ts';

const cheap = modelContender('cheap', { price: { input: '1', output: '2' } });
const strong = modelContender('strong', { price: { input: '10', output: '40' } });
const cascade: Contender = {
  id: 'cascade:cheap>strong', agent: 'bash', model: 'cheap>strong', upstream: null, name: null, vendor: 'acme', region: 'US', provider: 'openrouter', price: null,
  cascade: { signal: 'visible', mode: 'fresh', stages: [{ contender: 'cheap', model: 'cheap', price_key: 'cheap', price: cheap.price }, { contender: 'strong', model: 'strong', price_key: 'strong', price: strong.price }] },
};
const stage = (contender: string, input: number, usd: number, passed: boolean | null): CascadeStage => ({
  contender, model: contender, exit_status: 'submitted', passed, reason: 'r', patch_chars: 10, steps: 1, calls: 1,
  usage: { ...zeroUsage(), input_uncached: input }, list_usd: usd, billed_usd: null, wall_ms: 1, check_ms: 0, trajectory: null,
});

// t1: cheap passes its visible check and resolves; t2: cheap fails the check, strong resolves;
// t3: cheap fails, strong fails; t4: cheap passes the check but does not resolve (the hidden tests fail)
const singles = [
  makeAttempt('cheap', 't1', 'resolved', 0.01), makeAttempt('cheap', 't2', 'unresolved', 0.01), makeAttempt('cheap', 't3', 'unresolved', 0.01), makeAttempt('cheap', 't4', 'unresolved', 0.01, { visible_check: true }),
  makeAttempt('strong', 't1', 'resolved', 0.1), makeAttempt('strong', 't2', 'resolved', 0.1), makeAttempt('strong', 't3', 'unresolved', 0.1), makeAttempt('strong', 't4', 'resolved', 0.1),
];
// live: the same, except on t3 the live cascade's strong stage resolved
const live = [
  makeAttempt(cascade.id, 't1', 'resolved', 0.01, { stages: [stage('cheap', 10_000, 0.01, true)] }),
  makeAttempt(cascade.id, 't2', 'resolved', 0.11, { stages: [stage('cheap', 10_000, 0.01, false), stage('strong', 10_000, 0.1, null)] }),
  makeAttempt(cascade.id, 't3', 'resolved', 0.11, { stages: [stage('cheap', 10_000, 0.01, false), stage('strong', 10_000, 0.1, null)] }),
  makeAttempt(cascade.id, 't4', 'unresolved', 0.01, { stages: [stage('cheap', 10_000, 0.01, true)] }),
];

describe('live cascades beside their simulation', () => {
  const header = makeHeader({ contenders: [cheap, strong, cascade] });
  const a = analyseRun(header, [...singles, ...live]);

  it('measures the live cascade and plays the same cascade from the single-model attempts, both with Wilson intervals', () => {
    const [c] = a.liveCascades;
    expect(c).toMatchObject({ id: 'cascade:cheap>strong', label: 'cheap → strong', signal: 'visible', mode: 'fresh', missing: [] });
    expect(c!.live).toMatchObject({ resolved: 3, graded: 4, rate: 0.75, escalated: 2 });
    expect(c!.live.usdPerTask).toBeCloseTo(0.24 / 4, 12);
    expect(c!.simulated).toMatchObject({ resolved: 2, graded: 4, rate: 0.5, escalated: 2 });
    expect(c!.simulated!.usdPerTask).toBeCloseTo(0.24 / 4, 12);
    expect(c!.live.interval!.low).toBeCloseTo(0.3006, 3);
    expect(c!.simulated!.interval!.low).toBeCloseTo(0.15, 2);
    expect(c!.agreement).toEqual({ tasks: 4, same: 3 });
  });

  it('leaves live cascades out of the simulated routing and prices them per stage', () => {
    expect(a.routing!.cascades.map((c) => c.id)).toEqual(['cascade:cheap>strong']);
    expect(a.routing!.cascades[0]!.members).toEqual(['cheap', 'strong']);
    expect(a.ranked.find((s) => s.id === cascade.id)!.costBasis).toBe('list_price');
  });

  it('says why there is no simulation when a stage model did not run alone', () => {
    const [c] = analyseRun(makeHeader({ contenders: [cheap, cascade] }), [...singles.slice(0, 4), ...live]).liveCascades;
    expect(c!.simulated).toBeNull();
    expect(c!.missing).toEqual(['strong']);
  });

  it('report --prices re-prices a cascade attempt stage by stage, each at its own model row', () => {
    const sheet = { as_of: '2026-06-01', source: 's', models: { cheap: { input: '2', output: '2' }, strong: { input: '20', output: '40' } } };
    const out = repriceRun({ header, attempts: live, sheet: sheet as never, sheetFile: 'new.yaml' });
    const t2 = out.attempts.find((r) => r.contender === cascade.id && r.instance_id === 't2')!;
    // 10 000 tokens at $2 and at $20 per million
    expect(t2.stages!.map((s) => s.list_usd)).toEqual([0.02, 0.2]);
    expect(t2.list_usd).toBeCloseTo(0.22, 12);
    expect(out.header.contenders.find((c) => c.id === cascade.id)!.cascade!.stages[1]!.price).toEqual({ input: '20', output: '40' });
    expect(out.notes).toEqual([]);
  });
});
