import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarise } from '../../../src/analysis/leaderboard.ts';
import { buildViewModel, chartPoints, notPlottedReason } from '../../../src/report/view-model.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';
import { sampleRun } from './sample-run.ts';
import { analyseRun } from '../../../src/analysis/run.ts';
import { reportPage } from '../../../src/report/build.ts';
import { deepFreeze } from '../../helpers/freeze.ts';

describe('chartPoints', () => {
  it('plots only contenders with a known, non-zero cost and finds the frontier among them', () => {
    const header = makeHeader({
      suite: { hash: 'h', instance_ids: ['t1', 't2'] },
      contenders: [referenceContender('gold'), modelContender('cheap'), modelContender('dear'), modelContender('worse'), modelContender('mystery', { price: null })],
    });
    const attempts = [
      makeAttempt('gold', 't1', 'resolved', 0),
      makeAttempt('gold', 't2', 'resolved', 0),
      makeAttempt('cheap', 't1', 'resolved', 0.01),
      makeAttempt('dear', 't1', 'resolved', 0.5),
      makeAttempt('dear', 't2', 'resolved', 0.5),
      makeAttempt('worse', 't1', 'unresolved', 0.6),
      makeAttempt('mystery', 't1', 'resolved', null),
      makeAttempt('mystery', 't2', 'resolved', null),
    ];
    const { points, frontierIds, notPlotted } = chartPoints(summarise(header, attempts));
    expect(points.map((p) => p.id)).toEqual(['cheap', 'dear', 'worse']);
    // gold (free, 100%) would dominate every model; it is not plotted, so it does not.
    expect(frontierIds).toEqual(['cheap', 'dear']);
    expect(points.find((p) => p.id === 'worse')!.onFrontier).toBe(false);
    expect(points.find((p) => p.id === 'dear')).toMatchObject({ usd: 0.5, ratePct: 100, highPct: 100 });
    expect(notPlotted).toEqual([
      { id: 'gold', reason: 'no model cost' },
      { id: 'mystery', reason: 'price unknown' },
    ]);
  });

  it('explains a model that ran nothing or spent nothing', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('idle'), modelContender('free')] });
    const [idle, free] = summarise(header, [makeAttempt('free', 't1', 'infra_error', 0)]);
    expect(notPlottedReason(idle!)).toBe('no attempts recorded');
    expect(notPlottedReason(free!)).toBe('zero cost recorded');
  });
});

describe('buildViewModel', () => {
  it('is pure: frozen inputs (a mutation throws) give an equal view model each time, and the page too', () => {
    const { header, attempts } = deepFreeze(sampleRun());
    const copy = structuredClone({ header, attempts });
    const first = buildViewModel(header, attempts);
    expect(buildViewModel(header, attempts)).toEqual(first);
    expect(buildViewModel(header, attempts, { analysis: analyseRun(header, attempts) })).toEqual(first);
    // The whole page (answer, routing, matrix filter, …) reads the same frozen run.
    expect(reportPage(header, attempts)).toEqual(reportPage(header, attempts));
    expect({ header, attempts }).toEqual(copy);
    expect(first.rows.length).toBeGreaterThan(1);
  });

  it('shows "—" for USD per resolved task when nothing was resolved at a known cost', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m')] });
    const [row] = buildViewModel(header, [makeAttempt('m', 't1', 'unresolved', 0.02)]).rows;
    expect(row).toMatchObject({ usdPerTask: '$0.02', usdPerResolved: '—', totalUsd: '$0.02', costUnknown: false });
  });

  it('shows "unknown" for every USD cell of a model without a price', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m', { price: null })] });
    const [row] = buildViewModel(header, [makeAttempt('m', 't1', 'resolved', null)]).rows;
    expect(row).toMatchObject({ usdPerTask: 'unknown', usdPerResolved: 'unknown', totalUsd: 'unknown', costUnknown: true });
  });

  it('keeps infra errors and tasks not run apart from failures', () => {
    const { header, attempts } = sampleRun();
    const rows = buildViewModel(header, attempts).rows;
    expect(rows.find((r) => r.id === 'deepseek-v3.2')).toMatchObject({ failures: 3, infraErrors: 1, missing: 0 });
    expect(rows.find((r) => r.id === 'qwen3-coder')).toMatchObject({ missing: 2, resolved: '2/8' });
  });

  it('counts records no score uses', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m')] });
    const vm = buildViewModel(header, [makeAttempt('m', 't1', 'resolved', 0.1), makeAttempt('m', 'elsewhere', 'resolved', 0.1)]);
    expect(vm.ignoredRecords).toBe(1);
  });

  it('marks each attempt in a matrix cell when there are several per task', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, attempts_per_task: 2, contenders: [modelContender('m')] });
    const vm = buildViewModel(header, [makeAttempt('m', 't1', 'resolved', 0.1, { attempt: 1 })]);
    expect(vm.matrix.rows[0]!.cells[0]!.marks.map((m) => m.text)).toEqual(['—', '✓']);
    expect(vm.matrix.rows[0]!.resolvedBy).toBe('1/1');
  });

  it('counts only models in "resolved by": the reference agents validate the task', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [referenceContender('gold'), modelContender('m1'), modelContender('m2')] });
    const vm = buildViewModel(header, [
      makeAttempt('gold', 't1', 'resolved', 0, { agent: 'gold' }),
      makeAttempt('m1', 't1', 'resolved', 0.1),
      makeAttempt('m2', 't1', 'unresolved', 0.1),
    ]);
    expect(vm.matrix.rows[0]!.resolvedBy).toBe('1/2');
  });
});

describe('templates', () => {
  it('never use triple-stash (every value is escaped)', () => {
    const dir = new URL('../../../src/report/templates/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.hbs'));
    expect(files).toContain('layout.hbs');
    for (const f of files) expect(readFileSync(new URL(f, dir), 'utf8'), f).not.toContain('{{{');
  });
});

describe('billed cost and token budget in the header', () => {
  it('shows what providers billed against the list price, with the drift flagged past ±5%, and the token budget', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    header.limits = { ...header.limits, run_budget_tokens: 5000 };
    const a1 = { ...makeAttempt('m', 't1', 'resolved', 0.1), billed_usd: 0.12 };
    const a2 = { ...makeAttempt('m', 't2', 'resolved', 0.3), billed_usd: null };
    const vm = buildViewModel(header, [a1, a2]);
    // Only the attempt with both figures counts: billed 0.12 vs list 0.10 → +20%.
    const billed = vm.facts.find((f) => f.label === 'billed by providers');
    expect(billed?.value).toMatch(/^\$0\.12 vs \$0\.10 at list price over 1 attempt\(s\), drift \+20\.0% \(past ±5%/);
    expect(vm.limits.find((f) => f.label === 'limit: run token budget')?.value).toBe('5,000 tokens');
  });

  it('says nothing of billing when no provider reported a cost', () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m')] });
    const vm = buildViewModel(header, [{ ...makeAttempt('m', 't1', 'resolved', 0.1), billed_usd: null }]);
    expect(vm.facts.some((f) => f.label === 'billed by providers')).toBe(false);
    expect(vm.limits.some((f) => f.label === 'limit: run token budget')).toBe(false);
  });
});

describe('infra errors and protected files in the view model', () => {
  it('one resolved and one infra error reads 1/1 "1 graded, 1 infra error", and the header says how to complete the run', () => {
    const header = makeHeader({ run_id: 'r1', suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m')] });
    const vm = buildViewModel(header, [
      makeAttempt('m', 't1', 'resolved', 0.01, { protected_files_edited: ['.mocharc.js', 'package.json#mocha'] }),
      makeAttempt('m', 't2', 'infra_error', 0.01),
    ]);
    expect(vm.rows[0]).toMatchObject({ resolved: '1/1', resolvedPct: '100.0%', gradedNote: '1 graded, 1 infra error', protectedEdits: { attempts: 1, paths: 2 } });
    expect(vm.run.infraNote).toMatch(/^1 attempt ended in infra errors .*out of its denominator\. Complete the run with: npx fixbench run --retry-errors r1$/);
    expect(buildViewModel(header, [makeAttempt('m', 't1', 'resolved', 0.01)]).run.infraNote).toBeNull();
  });
});
