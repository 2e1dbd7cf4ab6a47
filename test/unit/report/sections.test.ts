// The report's analysis sections and the leaderboard additions, from hand-checkable runs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseRun } from '../../../src/analysis/run.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { buildAnalysisView, formatP, formatPp } from '../../../src/report/analysis-view.ts';
import { renderReport, reportPage } from '../../../src/report/build.ts';
import { loadPublishedScores, publishedFor, type PublishedScore } from '../../../src/report/published.ts';
import { buildViewModel } from '../../../src/report/view-model.ts';
import { pickRoutes, ROUTING_ROWS_SHOWN } from '../../../src/report/routing-view.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

/**
 * Four tasks, two priced models: `cheap` ($0.01, resolves t1 and t2, its visible check passes only
 * where it resolved) and `dear` ($0.10, resolves t1, t2, t3). Hand-computed:
 * - cascade cheap → dear: t1, t2 stop at cheap ($0.01 each); t3, t4 escalate ($0.11 each): 3/4 resolved,
 *   mean $(0.01+0.01+0.11+0.11)/4 = $0.06, escalated 2.
 * - oracle: t1, t2 by cheap ($0.01), t3 by dear ($0.10), t4 unresolved at the cheapest ($0.01): 3/4, $0.0325.
 */
function twoModels() {
  const header = makeHeader({
    suite: { hash: 'h', instance_ids: ['t1', 't2', 't3', 't4'] },
    contenders: [modelContender('cheap', { region: 'CN' }), modelContender('dear', { region: 'US' }), referenceContender('gold')],
  });
  const attempts = [
    makeAttempt('cheap', 't1', 'resolved', 0.01, { visible_check: true }),
    makeAttempt('cheap', 't2', 'resolved', 0.01, { visible_check: true }),
    makeAttempt('cheap', 't3', 'unresolved', 0.01, { visible_check: false }),
    makeAttempt('cheap', 't4', 'unresolved', 0.01, { visible_check: false }),
    makeAttempt('dear', 't1', 'resolved', 0.1),
    makeAttempt('dear', 't2', 'resolved', 0.1),
    makeAttempt('dear', 't3', 'resolved', 0.1),
    makeAttempt('dear', 't4', 'unresolved', 0.1),
    ...['t1', 't2', 't3', 't4'].map((t) => makeAttempt('gold', t, 'resolved', 0, { agent: 'gold' })),
  ];
  return { header, attempts };
}

describe('analysis sections', () => {
  const { header, attempts } = twoModels();
  const page = reportPage(header, attempts);
  const a = page.analysis;
  let html = '';
  beforeAll(async () => {
    html = await renderReport(header, attempts);
  });

  it('costs the cascade with every model it tried and the oracle with the cheapest resolver', () => {
    const cascade = a.routing.rows.find((r) => r.kind === 'cascade')!;
    expect(cascade).toMatchObject({ label: 'cheap → dear', resolved: '3/4', resolvedPct: '75.0%', usdPerTask: '$0.06', escalated: '2 of 4' });
    const oracle = a.routing.rows.find((r) => r.kind === 'oracle')!;
    expect(oracle).toMatchObject({ resolved: '3/4', usdPerTask: '$0.0325' });
    // The cascade resolves as much as dear at 60% of its price: no single model dominates it.
    expect(cascade.beatsModels).toBe(true);
    expect(a.routing.points.map((p) => p.kind).sort()).toEqual(['cascade', 'oracle']);
    const point = a.routing.points.find((p) => p.kind === 'cascade')!;
    expect(point.usd).toBeCloseTo(0.06, 12);
    expect(point.ratePct).toBe(75);
    expect(cascade).toMatchObject({ interval: '30.1–95.4%', perUsd: '12.5' }); // Wilson 95% of 3/4; 0.75 / $0.06
    expect(a.routing.findings).toEqual([
      'Oracle gap: the oracle router resolves 75.0% at $0.0325 per task, 0.0 pp over the best single model (dear, 75.0%): the most any router choosing among these models could gain.',
    ]);
    // The picker's defaults: dear's rate as the target, half dear's USD per task as the budget.
    expect(a.routing.picker).toEqual({
      target: '75.0',
      budget: '0.05',
      reference: 'dear, 75.0% at $0.10 per task',
      targetSentence: 'Target 75.0% resolved: the cheapest cascade reaching it is cheap → dear, 75.0% at $0.06 per task.',
      budgetSentence: 'Budget $0.05 per task: no cascade fits.',
    });
  });

  it('answers a typed target or budget by the same rule as the page (pickRoutes)', () => {
    expect(pickRoutes(a.routing.rows, '75', '0.06')).toEqual({
      target: 'Target 75% resolved: the cheapest cascade reaching it is cheap → dear, 75.0% at $0.06 per task.',
      budget: 'Budget $0.06 per task: the most accurate cascade within it is cheap → dear, 75.0% at $0.06 per task.',
    });
    expect(pickRoutes(a.routing.rows, '80', '0.059')).toEqual({ target: 'Target 80% resolved: no cascade reaches it.', budget: 'Budget $0.059 per task: no cascade fits.' });
    // The page renders the defaults' answers (no JavaScript needed) and the inputs they came from.
    expect(html).toContain('value="75.0"');
    expect(html).toContain('<output id="pick-target-out" for="pick-target">Target 75.0% resolved: the cheapest cascade reaching it is cheap → dear, 75.0% at $0.06 per task.</output>'.replaceAll('→', '→'));
  });

  it('shows the first ROUTING_ROWS_SHOWN routing rows, the rest behind a toggle (the style hides from the next row on)', async () => {
    expect(a.routing).toMatchObject({ shownRows: 2, hiddenRows: 0 });
    expect(html).not.toContain('id="all-routes"');
    const style = await readFile(new URL('../../../src/report/templates/style.hbs', import.meta.url), 'utf8');
    expect(style).toContain(`#all-routes:not(:checked) ~ .scroll #routing-table tbody tr:nth-child(n+${ROUTING_ROWS_SHOWN + 1}) { display: none; }`);
  });

  it('compares the two models pairwise (McNemar on discordant tasks) and rates them', () => {
    expect(a.pairwise.rows).toHaveLength(1); // gold is not a model
    // One discordant task (t3, dear only): exact two-sided p = 2 · ½ = 1.
    expect(a.pairwise.rows[0]).toMatchObject({ a: 'cheap', b: 'dear', tasks: '4', diff: '−25.0 pp', onlyA: '0', onlyB: '1', p: '1.00', pHolm: '1.00', significant: false });
    expect(a.ratings.map((r) => r.id)).toEqual(['dear', 'cheap']);
    expect(a.ratings[0]).toMatchObject({ wins: '1', losses: '0', ties: '3' });
  });

  it('has no pass@k with one attempt per task, and pass@k = resolved rate at k = 1 with several', () => {
    expect(a.passK).toBeNull();
    const h = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, attempts_per_task: 2, contenders: [modelContender('m')] });
    const p = reportPage(h, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('m', 't1', 'unresolved', 0.1, { attempt: 1 })]).analysis.passK!;
    expect(p.ks).toEqual([1, 2]);
    // n = 2, c = 1: pass@1 = 50%, pass^1 = 50%; pass@2 = 100%, pass^2 = 0%.
    expect(p.rows[0]!.cells).toEqual([
      { label: '50.0%', value: '50.0%' },
      { label: '100.0%', value: '0.0%' },
    ]);
  });

  it('draws budget curves for the models, and groups results by region', () => {
    expect(new Set(a.budget.usd.map((p) => p.series))).toEqual(new Set(['cheap', 'dear']));
    // Under the largest cap every resolved attempt counts: cheap 50%, dear 75%.
    const last = (id: string) => a.budget.usd.filter((p) => p.series === id).at(-1)!.y;
    expect(last('cheap')).toBe(50);
    expect(last('dear')).toBe(75);
    expect(a.regions.map((r) => [r.region, r.best, r.bestRate])).toEqual([
      ['CN', 'cheap', '50.0%'],
      ['US', 'dear', '75.0%'],
    ]);
  });

  it('breaks outcomes down with infra errors and tasks not run apart from failures', () => {
    const h = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3'] }, contenders: [modelContender('m')] });
    const o = reportPage(h, [makeAttempt('m', 't1', 'infra_error', 0.01), makeAttempt('m', 't2', 'timeout', 0.01)]).analysis.outcomes;
    expect(o.columns).toEqual(['unresolved', 'empty_patch', 'patch_failed', 'timeout', 'tampered', 'agent_error']);
    expect(o.rows[0]).toMatchObject({ counts: ['0', '0', '0', '1', '0', '0'], failures: '1', infraErrors: '1', missing: '1' });
  });

  it('gives USD per step and prompt tokens per call from the records alone', () => {
    const h = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    const usage = { input_uncached: 30_000, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 100, reasoning: 0 };
    const rows = reportPage(h, [makeAttempt('m', 't1', 'resolved', 0.3, { steps: 10, calls: 10, usage }), makeAttempt('m', 't2', 'unresolved', 0.1, { steps: 10, calls: 10, usage })]).analysis.steps.rows;
    // $0.40 over 20 steps; 60,000 prompt tokens over 20 calls.
    expect(rows[0]).toMatchObject({ id: 'm', meanSteps: '10.0', usdPerStep: '$0.02', promptPerCall: '3.00k', trajectories: '0', contextMax: '—' });
  });

  it('says why there is no routing with fewer than two priced models', () => {
    const h = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m'), modelContender('x', { price: null })] });
    const view = buildAnalysisView(analyseRun(h, []), []);
    expect(view.routing).toEqual({ points: [], rows: [], shownRows: 0, hiddenRows: 0, note: 'Routing needs at least two models with known prices.', findings: [], picker: null, live: [] });
  });

  it('formats p-values and differences for a reader', () => {
    expect([formatP(0.00001), formatP(0.0123), formatP(0.5)]).toEqual(['<0.0001', '0.012', '0.50']);
    expect([formatPp(0.125), formatPp(-0.03), formatPp(0), formatPp(null)]).toEqual(['+12.5 pp', '−3.0 pp', '0.0 pp', '—']);
  });
});

describe('leaderboard additions', () => {
  it('lists who dominates a model, its cache-hit share and raw sort keys (unknown = "")', () => {
    const header = makeHeader({
      suite: { hash: 'h', instance_ids: ['t1', 't2'] },
      contenders: [modelContender('good'), modelContender('bad'), modelContender('mystery', { price: null })],
    });
    const usage = { input_uncached: 600, cache_read: 400, cache_write_5m: 0, cache_write_1h: 0, output: 10, reasoning: 0 };
    const vm = buildViewModel(header, [
      makeAttempt('good', 't1', 'resolved', 0.01, { usage }),
      makeAttempt('good', 't2', 'resolved', 0.01, { usage }),
      makeAttempt('bad', 't1', 'unresolved', 0.05),
      makeAttempt('bad', 't2', 'resolved', 0.05),
      makeAttempt('mystery', 't1', 'resolved', null),
    ]);
    const row = (id: string) => vm.rows.find((r) => r.id === id)!;
    expect(row('bad').dominatedBy).toEqual(['good']);
    expect(row('good').dominatedBy).toEqual([]);
    expect(row('good').cacheShare).toBe('40.0%');
    expect(row('good').medianUsdPerTask).toBe('$0.01');
    expect(row('mystery').medianUsdPerTask).toBe('—');
    expect(row('bad').cacheShare).toBe('—');
    expect(row('good').sort).toMatchObject({ rate: '1', usdPerTask: '0.01', cacheShare: '0.4' });
    expect(row('mystery').sort.usdPerTask).toBe('');
    expect(vm.unknownPrices).toEqual(['mystery']);
  });
});

describe('published reference scores', () => {
  const fig: PublishedScore = { model: 'MiniMax M2.5', match: ['minimax-m2.5', 'minimax/minimax-m2.5'], benchmark: 'SWE-bench Verified', score: 80.2, unit: 'percent', date: '2026-02-13', source: 'a ranking' };

  it('ships the bundled figures, each with a source and a date', async () => {
    const scores = await loadPublishedScores();
    expect(scores.map((s) => [s.model, s.benchmark, s.score])).toEqual([
      ['MiniMax M2.5', 'SWE-bench Verified', 80.2],
      ['Claude Opus 4.6', 'SWE-bench Verified', 80.8],
    ]);
    for (const s of scores) expect(s.source.length).toBeGreaterThan(10);
  });

  it('matches a contender by id, model or upstream slug, case-insensitively', () => {
    expect(publishedFor({ id: 'mm', model: 'mm', upstream: 'MiniMax/MiniMax-M2.5' }, [fig])).toEqual([fig]);
    expect(publishedFor({ id: 'minimax-m2.7', model: 'minimax-m2.7', upstream: null }, [fig])).toEqual([]);
  });

  it('shows a matched figure beside the measured one, labelled published, and lists all in provenance', async () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('minimax-m2.5')] });
    const html = await renderReport(header, [makeAttempt('minimax-m2.5', 't1', 'resolved', 0.01)], { published: [fig] });
    expect(html).toContain('<div class="published" title="published 2026-02-13 by a ranking">SWE-bench Verified 80.2%</div>');
    const prov = html.slice(html.indexOf('<section id="provenance">'));
    expect(prov).toContain('<td>MiniMax M2.5</td><td>SWE-bench Verified</td><td class="num">80.2%</td><td>2026-02-13</td>');
  });

  it('refuses a figure without a source, naming the file and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixbench-published-'));
    try {
      const file = join(dir, 'scores.yaml');
      await writeFile(file, 'scores:\n  - model: X\n    match: [x]\n    benchmark: B\n    score: 50\n    date: 2026-01-01\n');
      const err = await loadPublishedScores(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserInputError);
      expect(String((err as Error).message)).toContain(file);
      expect(String((err as Error).message)).toContain('source');
      await writeFile(file, 'scores:\n  - model: X\n    match: [x]\n    benchmark: B\n    score: 150\n    date: 2026-01-01\n    source: s\n');
      await expect(loadPublishedScores(file)).rejects.toThrow(/score/);
      await writeFile(file, 'scores:\n  - model: X\n    match: [x]\n    benchmark: B\n    score: 50\n    date: 2026-01-01\n    source: s\n    url: "javascript:alert(1)"\n');
      await expect(loadPublishedScores(file)).rejects.toThrow(/scores\.0\.url: must be an http:\/\/ or https:\/\/ address/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('price sheet and re-pricing', () => {
  const { header, attempts } = twoModels();

  it('names the price sheet the report is priced with', async () => {
    const html = await renderReport(header, attempts);
    expect(html).toContain('Priced with <span class="mono">prices/2026-03-31.yaml</span> (as of 2026-03-31)');
    expect(html).not.toContain('id="repriced"');
  });

  it('shows a banner when the run is re-priced under another sheet (option or header.repriced_from)', async () => {
    const note = 'nightly; re-priced under prices/2026-06-30.yaml (as of 2026-06-30); the run was priced with prices/2026-03-31.yaml';
    const repriced = { ...header, note, price_sheet: { file: 'prices/2026-06-30.yaml', as_of: '2026-06-30', source: 'x' } };
    for (const html of [
      await renderReport(repriced, attempts, { repricedFrom: { file: 'prices/2026-03-31.yaml', as_of: '2026-03-31' } }),
      await renderReport({ ...repriced, repriced_from: { file: 'prices/2026-03-31.yaml', as_of: '2026-03-31' } } as typeof header, attempts),
    ]) {
      const banner = html.slice(html.indexOf('id="repriced"'), html.indexOf('</p>', html.indexOf('id="repriced"')));
      expect(banner).toContain('<span class="mono">prices/2026-06-30.yaml</span> (as of 2026-06-30)');
      expect(banner).toContain('recorded with <span class="mono">prices/2026-03-31.yaml</span>');
      // Said once: no "Priced with" line, and the note keeps only what is not the re-pricing.
      expect(html).not.toContain('id="priced-with"');
      expect(html).not.toContain('re-priced under');
      expect(html.match(/<p class="note">[^<]*<\/p>/g)![0]).toBe('<p class="note">nightly</p>');
    }
  });
});
