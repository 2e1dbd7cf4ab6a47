// A model priced at "0" is known and free (newcomer16 #4): the answer block, the region table and the
// provenance agree, none of them calls it unpriced. An unknown price (null) still is.
import { describe, expect, it } from 'vitest';
import { reportPage } from '../../../src/report/build.ts';
import { changeSince } from '../../../src/report/site.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

const tasks = ['t1', 't2', 't3', 't4'];
const header = makeHeader({
  suite: { hash: 'h', instance_ids: tasks },
  contenders: [modelContender('fake-coder', { price: { input: '0', output: '0' } }), modelContender('paid'), modelContender('unk', { price: null, region: 'EU' }), referenceContender('gold')],
});
const attempts = [
  ...tasks.map((t, i) => makeAttempt('fake-coder', t, i < 3 ? 'resolved' : 'unresolved', 0)),
  ...tasks.map((t) => makeAttempt('paid', t, 'resolved', 0.2)),
  ...tasks.map((t) => makeAttempt('unk', t, 'resolved', null)),
  ...tasks.map((t) => makeAttempt('gold', t, 'resolved', null, { agent: 'gold' })),
];

describe('a model priced at 0 (newcomer16 #4)', () => {
  const page = reportPage(header, attempts);

  it('the answer block counts it as priced (free), the best value, and names only the unknown price as missing', () => {
    expect(page.answer.notes.join('\n')).toMatch(/No price for unk: left out/);
    expect(page.answer.notes.join('\n')).not.toMatch(/No price for .*fake-coder/);
    const value = page.answer.cards.find((c) => c.role === 'Best value')!;
    expect(value.name).toBe('fake-coder');
    expect(value.usd).toBe('$0 per task');
    expect(value.why).toMatch(/free at list price/);
  });

  it('the region table shows its cheapest USD per task as $0, not unknown', () => {
    expect(page.analysis.regions.find((r) => r.region === 'US')!.cheapestUsd).toBe('$0');
    expect(page.analysis.regions.find((r) => r.region === 'EU')!.cheapestUsd).toBe('unknown');
  });
});

describe('the site\'s change of a model free in both runs', () => {
  it('is ±0% USD, not n/a; from free to paid has no percentage', () => {
    expect(changeSince({ rate: 1, usd: 0 }, { rate: 1, usd: 0 })).toBe('±0.0 pp, ±0% USD');
    expect(changeSince({ rate: 1, usd: 0.1 }, { rate: 1, usd: 0 })).toBe('±0.0 pp, USD n/a');
  });
});
