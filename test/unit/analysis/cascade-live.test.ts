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

  it('report --prices re-prices a router stage per served model from its own mix, and refreshes the record mix (attacker F1)', () => {
    // stage 1: cheap; stage 2: a router whose own row is $0 and whose replies named "dear" (1M in, 100k out)
    const router = modelContender('router', { price: { input: '0', output: '0' } });
    const rc: Contender = { ...cascade, id: 'cascade:cheap>router', model: 'cheap>router', cascade: { ...cascade.cascade!, stages: [cascade.cascade!.stages[0]!, { contender: 'router', model: 'router', price_key: 'router', price: router.price }] } };
    const usage = { ...zeroUsage(), input_uncached: 1_000_000, output: 100_000 };
    const mix = [{ model: 'dear-up', calls: 1, usage, list_usd: 13, price_key: 'dear' }];
    const rec = makeAttempt(rc.id, 't1', 'resolved', 13.01, {
      stages: [stage('cheap', 10_000, 0.01, false), { ...stage('router', 0, 13, null), usage, model_mix: mix }],
      model_mix: mix,
    });
    const sheet = { as_of: '2026-06-01', source: 's', models: { cheap: { input: '1', output: '2' }, router: { input: '0', output: '0' }, dear: { input: '20', output: '60' } } };
    const out = repriceRun({ header: makeHeader({ contenders: [cheap, router, rc] }), attempts: [rec], sheet: sheet as never, sheetFile: 'new.yaml' });
    const r = out.attempts[0]!;
    // the router stage at dear's new row: 1M·$20 + 100k·$60 per million = $26, never the router's $0
    expect(r.stages![1]!.list_usd).toBeCloseTo(26, 9);
    expect(r.stages![1]!.model_mix![0]!.list_usd).toBeCloseTo(26, 9);
    expect(r.list_usd).toBeCloseTo(26.01, 9);
    // the record's mix (the "Models that answered" table) agrees with the leaderboard's cost
    expect(r.model_mix!.map((m) => [m.model, m.price_key, m.calls])).toEqual([['dear-up', 'dear', 1]]);
    expect(r.model_mix![0]!.list_usd).toBeCloseTo(26, 9);
    expect(out.notes).toEqual([]);
  });

  it('an older cascade record with a whole-attempt mix but no per-stage mix is not re-priced at the router row: its cost is unknown, with a note', () => {
    const mix = [{ model: 'dear-up', calls: 1, usage: zeroUsage(), list_usd: 13, price_key: 'dear' }];
    const rec = makeAttempt(cascade.id, 't1', 'resolved', 13.01, { stages: [stage('cheap', 10_000, 0.01, false), stage('strong', 0, 13, null)], model_mix: mix });
    const sheet = { as_of: '2026-06-01', source: 's', models: { cheap: { input: '1', output: '2' }, strong: { input: '0', output: '0' }, dear: { input: '20', output: '60' } } };
    const out = repriceRun({ header: makeHeader({ contenders: [cheap, strong, cascade] }), attempts: [rec], sheet: sheet as never, sheetFile: 'new.yaml' });
    expect(out.attempts[0]!.list_usd).toBeNull();
    expect(out.notes.join('\n')).toMatch(/not per stage/);
  });
});
