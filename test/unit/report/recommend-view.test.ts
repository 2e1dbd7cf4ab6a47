import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../../src/analysis/matrix.ts';
import type { TaskMeta } from '../../../src/analysis/recommend.ts';
import { renderReport } from '../../../src/report/build.ts';
import { recommendView } from '../../../src/report/recommend-view.ts';
import { recommend } from '../../../src/analysis/recommend.ts';
import { recommendationText } from '../../../src/cli/recommend.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

// t1, t2 easy (cheap fixes them); t3, t4 hard (only strong): best is cheap on easy, strong on hard.
const header = makeHeader({ contenders: [modelContender('strong'), modelContender('cheap'), referenceContender('gold')] });
const tasks = ['t1', 't2', 't3', 't4'];
const attempts = tasks.flatMap((t, i) => [makeAttempt('strong', t, 'resolved', 0.2), makeAttempt('cheap', t, i < 2 ? 'resolved' : 'unresolved', 0.01), makeAttempt('gold', t, 'resolved', null, { agent: 'gold' })]);
const meta = new Map<string, TaskMeta>(tasks.map((t, i) => [t, { difficulty: i < 2 ? '<15 min' : '1-4 hours', tags: [] }]));

describe('the report\'s recommended policy', () => {
  it('shows the pick `fixbench recommend` makes with no flag, with the leave-one-task-out row beside the in-sample one', () => {
    const v = recommendView(buildMatrix(header, attempts), header.run_id, meta)!;
    expect(v.policy).toBe('by difficulty: 1-4 hours: strong; <15 min: cheap');
    expect(v.kind).toBe('a policy per task difficulty');
    expect(v.rows.map((r) => [r.basis, r.rate, r.resolved, r.usdPerTask])).toEqual([
      ['in-sample', '100.0%', '4/4 graded', '$0.105'],
      ['leave-one-task-out', '100.0%', '4/4 graded', '$0.105'],
      ['oracle router', '100.0%', '4/4 graded', '$0.105'],
    ]);
    expect(v.command).toBe(`npx fixbench recommend ${header.run_id} --target 80%   (or --budget 0.05 for USD per task)`);
  });

  it('without task metadata it recommends among models and cascades; without a priced model there is no block', () => {
    expect(recommendView(buildMatrix(header, attempts), header.run_id)!.policy).toBe('cheap → strong');
    const unpriced = makeHeader({ contenders: [modelContender('u', { price: null })] });
    expect(recommendView(buildMatrix(unpriced, [makeAttempt('u', 't1', 'resolved', null)]), unpriced.run_id)).toBeNull();
    // a priced model whose attempt has an unknown USD (a stream cut before its usage): no policy has a known cost
    const cut = makeHeader({ contenders: [modelContender('p')] });
    expect(recommendView(buildMatrix(cut, [makeAttempt('p', 't1', 'resolved', null)]), cut.run_id)).toBeNull();
  });

  it('is rendered on the page, linked from the navigation', async () => {
    const html = await renderReport(header, attempts, { taskMeta: meta, attemptPages: false });
    expect(html).toContain('<section id="recommend">');
    expect(html).toContain('<a href="#recommend">recommended policy</a>');
    expect(html).toContain('by difficulty: 1-4 hours: strong; &lt;15 min: cheap');
    expect(html).toMatch(/<td>leave-one-task-out<\/td><td class="num">100\.0%<\/td>/);
  });

  it('with a contender of unknown cost left out, the default target says it is the best among those with a known cost (attacker minor)', () => {
    // "dear" resolves every task but has no list price: the target is cheap's 50%, not the run's best
    const h = makeHeader({ contenders: [modelContender('dear', { price: null }), modelContender('cheap')] });
    const rs = tasks.flatMap((t, i) => [makeAttempt('dear', t, 'resolved', null), makeAttempt('cheap', t, i < 2 ? 'resolved' : 'unresolved', 0.01)]);
    const v = recommendView(buildMatrix(h, rs), h.run_id)!;
    expect(v.headline).toBe('The cheapest policy as accurate as the best single model among those with a known cost: 50.0% (left out for an unknown cost: dear):');
    expect(v.notes.join(' ')).toContain('Left out: dear (cost unknown: no list price');
    expect(recommendationText(recommend(buildMatrix(h, rs), { kind: 'best_single' }), h.run_id, '2026-01-01')).toContain('as accurate as the best single model among those with a known cost: 50.0% (left out for an unknown cost: dear)');
    // without one, the line is unchanged
    expect(recommendView(buildMatrix(header, attempts), header.run_id)!.headline).toBe('The cheapest policy as accurate as the best single model (100.0%):');
  });
});

describe('a report with no recommended policy', () => {
  it('a keyless run (reference agents only) has no dead "recommended policy" link and says first to set the key and run again', async () => {
    const keyless = makeHeader({ contenders: [referenceContender('gold')], skipped: [{ id: 'step-3.5-flash', reason: 'OPENROUTER_API_KEY is not set; set it to run this model' }] });
    const html = await renderReport(keyless, [makeAttempt('gold', 't1', 'resolved', null, { agent: 'gold' })], { attemptPages: false });
    expect(html).not.toContain('<section id="recommend">');
    expect(html).not.toContain('href="#recommend"');
    const answer = html.indexOf('id="answer"');
    expect(answer).toBeGreaterThan(-1);
    expect(html.indexOf('Set OPENROUTER_API_KEY and run again')).toBeGreaterThan(answer);
    expect(html.indexOf('Set OPENROUTER_API_KEY and run again')).toBeLessThan(html.indexOf('id="leaderboard"'));
  });
});
