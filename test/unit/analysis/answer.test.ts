import { describe, expect, it } from 'vitest';
import { answer, NEAR_BEST_PP } from '../../../src/analysis/answer.ts';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import { answerView } from '../../../src/report/answer-view.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from './fixtures.ts';

// 20 tasks t1…t20. Every attempt's visible check equals its outcome.
//   strong  resolves t1–t18 at $0.50      (90%,  $0.50 per task)
//   mid     resolves t1–t17 at $0.10      (85%,  $0.10)
//   cheap   resolves t1–t6  at $0.01      (30%,  $0.01)
//   unk     resolves t1–t10, price unknown
//   gold    resolves all at $0 (a reference agent: never in the answer)
const tasks = Array.from({ length: 20 }, (_, i) => `t${i + 1}`);
const header = makeHeader({
  suite: { hash: 'h', instance_ids: tasks },
  contenders: [modelContender('strong'), modelContender('mid'), modelContender('cheap'), modelContender('unk', { price: null }), referenceContender('gold')],
});
const spec: Array<[string, number, number | null]> = [
  ['strong', 18, 0.5],
  ['mid', 17, 0.1],
  ['cheap', 6, 0.01],
  ['unk', 10, null],
];
const attempts = [
  ...spec.flatMap(([id, solved, usd]) => tasks.map((t, i) => makeAttempt(id, t, i < solved ? 'resolved' : 'unresolved', usd))),
  ...tasks.map((t) => makeAttempt('gold', t, 'resolved', null, { agent: 'gold' })),
];

describe('answer', () => {
  const a = answer(buildMatrix(header, attempts));

  it('picks best value on the frontier by resolved per dollar, the most accurate, and the cheapest within 5 points of it', () => {
    expect(NEAR_BEST_PP).toBe(0.05);
    expect(a.models.map((m) => m.id)).toEqual(['strong', 'mid', 'cheap', 'unk']); // gold apart
    // per dollar: cheap 0.30 / 0.01 = 30, mid 0.85 / 0.10 = 8.5, strong 0.90 / 0.50 = 1.8
    expect(a.bestValue).toMatchObject({ id: 'cheap', resolved: 6, tasks: 20, rate: 0.3 });
    expect(a.bestValue!.usdPerTask).toBeCloseTo(0.01, 12);
    expect(a.mostAccurate).toMatchObject({ id: 'strong', rate: 0.9 });
    expect(a.mostAccurate!.interval!.low).toBeCloseTo(0.699, 3); // Wilson 95% of 18/20: 0.6990–0.9721
    expect(a.cheapestNearBest).toMatchObject({ id: 'mid', rate: 0.85 });
    expect(a.unpriced).toEqual(['unk']);
  });

  it('says which differences McNemar with Holm cannot establish', () => {
    // strong vs mid: one discordant task → p = 1; strong vs cheap: 12 to 0 → p = 2⁻¹¹ · 6 (Holm) ≈ 0.0029.
    expect(a.tiedWithBest.map((t) => t.id)).toEqual(['mid']);
    expect(a.nearVsBestP).toBe(1);
    expect(a.valueVsBestP!).toBeCloseTo(6 * 2 ** -11, 12);
  });

  it('picks the cascade with the best rate that no single model dominates, with its saving against the strong model alone', () => {
    // mid → strong: mid passes t1–t17; t18–t20 escalate; strong resolves t18 → 18/20.
    // USD = (20 × 0.10 + 3 × 0.50) / 20 = 0.175 per task; strong alone 0.50 → saving 65%.
    const c = a.bestCascade!;
    expect(c).toMatchObject({ first: 'mid', second: 'strong', resolved: 18, rate: 0.9, rateDiff: 0, p: 1 });
    expect(c.usdPerTask).toBeCloseTo(0.175, 12);
    expect(c.saving).toBeCloseTo(0.65, 12);
    expect(a.cascadesConsidered).toBe(3);
  });

  it('renders plain sentences: picks with rate, interval and USD per task, and what is not significant', () => {
    const v = answerView(a, { as_of: '2026-03-31' });
    expect(v.cards.map((c) => [c.role, c.name])).toEqual([
      ['Best value', 'cheap'],
      ['Most accurate', 'strong'],
      ['Cheapest within 5 points of the best', 'mid'],
      ['Best layered setup', 'mid → strong'],
    ]);
    expect(v.cards[1]!.rate).toBe('90.0% resolved (18/20; 95% CI 69.9–97.2%)');
    expect(v.cards[2]!.usd).toBe('$0.10 per task');
    expect(v.cards[2]!.why).toBe('Not significantly below strong, at 80% less per task.');
    expect(v.cards[3]!.why).toMatch(/saves 65% per task against strong alone \(\+0\.0 points, not significant, McNemar p = 1\.00\)/);
    expect(v.notes.join('\n')).toMatch(/strong resolves significantly more than cheap/);
    expect(v.notes.join('\n')).toMatch(/Differences between strong and mid are not significant/);
    expect(v.notes.join('\n')).toMatch(/No price for unk/);
    expect(v.notes.join('\n')).toContain('USD at list prices as of 2026-03-31.');
    // a run priced with an illustrative sheet: the line says its USD is made up
    expect(answerView(a, { as_of: '2026-03-31', illustrative: true }).notes.join('\n')).toContain('USD at list prices as of 2026-03-31 (made-up prices).');
  });

  it('has nothing to say for a run of reference agents only', () => {
    const h = makeHeader({ contenders: [referenceContender('gold')] });
    const empty = answer(buildMatrix(h, [makeAttempt('gold', 't1', 'resolved', null)]));
    expect(empty).toMatchObject({ bestValue: null, mostAccurate: null, bestCascade: null, models: [] });
    expect(answerView(empty, { as_of: '2026-03-31' }).empty).toMatch(/nothing to choose/);
    expect(answerView(empty, { as_of: '2026-03-31' }).empty).toContain('Set OPENROUTER_API_KEY (the key of the bundled models) and run models');
  });

  it('a keyless run: the first sentence of the answer block says to set the key and run again, naming the skipped models', () => {
    const h = makeHeader({ contenders: [referenceContender('gold')] });
    const empty = answer(buildMatrix(h, [makeAttempt('gold', 't1', 'resolved', null)]));
    const skipped = [{ id: 'step-3.5-flash', reason: 'OPENROUTER_API_KEY is not set; set it to run this model' }, { id: 'claude-opus-4.6', reason: 'OPENROUTER_API_KEY is not set; set it to run this model' }];
    expect(answerView(empty, { as_of: '2026-03-31' }, skipped).empty).toBe(
      'No model took part in this run (only reference agents): nothing to choose between. Set OPENROUTER_API_KEY and run again (npm start in the clone, or npx fixbench run) to compare models; this run skipped step-3.5-flash and claude-opus-4.6 (see "Skipped contenders" below). ' +
        'No key? npx fixbench run --dry-run forecasts the cost; npm run fake-provider in the clone serves a scripted model for a whole run offline, then FAKE_PROVIDER_KEY=dummy npx fixbench run --models-file examples/fake-provider/models.yaml --prices examples/fake-provider/prices.yaml runs against it (the README\'s "Trying a model run without a key"); to run a local model see the README\'s "A local model"; or grade a predictions file with npx fixbench eval --predictions <file>.',
    );
  });

  it('judges models on attempt 0, the basis of cascades, when a run has several attempts', () => {
    const h = makeHeader({ attempts_per_task: 2, suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    const r = answer(buildMatrix(h, [
      makeAttempt('m', 't1', 'unresolved', 0.2),
      makeAttempt('m', 't1', 'resolved', 0.4, { attempt: 1 }),
      makeAttempt('m', 't2', 'resolved', 0.2),
    ]));
    expect(r.mostAccurate).toMatchObject({ resolved: 1, tasks: 2, rate: 0.5 });
    expect(r.mostAccurate!.usdPerTask).toBeCloseTo(0.2, 12);
    expect(answerView(r, { as_of: 'x' }).notes.join(' ')).toMatch(/first attempts \(attempt 0/);
  });
});
