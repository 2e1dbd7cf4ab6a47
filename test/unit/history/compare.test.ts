// compare: flipped tasks, resolved-rate change with McNemar's exact test, cost change, and gates.
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/history/compare.ts';
import { comparisonMarkdown, mdCell } from '../../../src/history/markdown.ts';
import { notEvaluable, unevaluableGates, unfinishedRuns } from '../../../src/history/compare.ts';
import { configHash } from '../../../src/history/runs.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';
import type { Outcome } from '../../../src/core/outcome.ts';
import type { StoredRun } from '../../../src/store/store.ts';

const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
function run(runId: string, outcomes: Outcome[], usd: number | null = 0.01, model = 'm1'): StoredRun {
  return {
    header: makeHeader({ run_id: runId, contenders: [modelContender(model)], suite: { hash: 's', instance_ids: ids } }),
    attempts: outcomes.map((o, i) => makeAttempt(model, ids[i]!, o, usd, { run_id: runId })),
  };
}
const all = (o: Outcome): Outcome[] => ids.map(() => o);

describe('compareRuns', () => {
  it('lists the flipped tasks, the change in percentage points and the paired p-value', () => {
    const base = run('b', all('resolved'));
    const head = run('h', ['unresolved', 'patch_failed', ...all('resolved').slice(2)]);
    const c = compareRuns(base, head);
    const x = c.contenders[0]!;
    expect(x).toMatchObject({ id: 'm1', pairs: 10, baseResolved: 10, headResolved: 8, regressions: ['t0#0', 't1#0'], fixes: [] });
    expect(x.deltaPp).toBeCloseTo(-20, 9);
    expect(x.pValue).toBeCloseTo(0.5, 12); // b=2, c=0: 2 · (1/2)^2
    expect(c.failures).toEqual([]); // no gate configured
  });

  it('fails --max-drop on a planted regression, naming the contender and the tasks', () => {
    const c = compareRuns(run('b', all('resolved')), run('h', ['unresolved', ...all('resolved').slice(1)]), { maxDropPp: 5 });
    expect(c.failures).toEqual([expect.stringMatching(/^m1: resolved rate fell 10\.0 pp \(100\.0% → 90\.0%\), more than --max-drop 5 pp; regressed: t0#0$/)]);
    expect(compareRuns(run('b', all('resolved')), run('h', ['unresolved', ...all('resolved').slice(1)]), { maxDropPp: 10 }).failures).toEqual([]);
  });

  it('fails --significant-drop only when McNemar says so', () => {
    const head = run('h', [...all('unresolved').slice(0, 6), ...all('resolved').slice(6)]);
    expect(compareRuns(run('b', all('resolved')), head, { significantDrop: 0.05 }).failures[0]).toMatch(/significant drop \(McNemar exact p = 0\.031\d < 0\.05; 6 regressed, 0 fixed\)/);
    const slight = run('h', ['unresolved', ...all('resolved').slice(1)]);
    expect(compareRuns(run('b', all('resolved')), slight, { significantDrop: 0.05 }).failures).toEqual([]);
  });

  it('compares mean USD per attempt and gates its increase; unknown prices give no verdict', () => {
    const c = compareRuns(run('b', all('resolved'), 0.01), run('h', all('resolved'), 0.013), { maxCostIncreasePct: 20 });
    expect(c.contenders[0]!.costChangePct).toBeCloseTo(30, 9);
    expect(c.failures[0]).toMatch(/m1: mean USD per attempt rose 30\.0% \(\$0\.0100 → \$0\.0130\), more than --max-cost-increase 20%/);
    const unknown = compareRuns(run('b', all('resolved'), null), run('h', all('resolved'), 0.5), { maxCostIncreasePct: 0 });
    expect(unknown.contenders[0]!.costChangePct).toBeNull();
    expect(unknown.failures).toEqual([]);
  });

  it('leaves infra errors out of the pairs, and pairs only tasks in both suites', () => {
    const head = run('h', ['infra_error', ...all('resolved').slice(1)]);
    const x = compareRuns(run('b', all('resolved')), head, { maxDropPp: 0 });
    expect(x.contenders[0]).toMatchObject({ pairs: 9, excludedInfra: 1, regressions: [] });
    expect(x.failures).toEqual([]);
    const other: StoredRun = { ...run('h', all('resolved')), header: makeHeader({ run_id: 'h', contenders: [modelContender('m1')], suite: { hash: 's2', instance_ids: ids.slice(0, 4) } }) };
    const c = compareRuns(run('b', all('resolved')), other);
    expect(c).toMatchObject({ sameSuite: false, commonTasks: 4 });
    expect(c.contenders[0]!.pairs).toBe(4);
  });

  it('names contenders present in only one run', () => {
    const c = compareRuns(run('b', all('resolved'), 0.01, 'm1'), run('h', all('resolved'), 0.01, 'm2'));
    expect(c).toMatchObject({ onlyInBase: ['m1'], onlyInHead: ['m2'], contenders: [] });
  });
});

describe('comparisonMarkdown', () => {
  it('gives a verdict, a row per contender, the flipped tasks and the gate failures', () => {
    const md = comparisonMarkdown(compareRuns(run('b', all('resolved')), run('h', ['unresolved', ...all('resolved').slice(1)]), { maxDropPp: 5 }));
    expect(md).toMatch(/^## fixbench: h vs b\n\n\*\*Gate failed\*\* \(1\)/);
    expect(md).toContain('| m1 | 10 | 10 (100.0%) | 9 (90.0%) | -10.0 | 1.00 | 1 | 0 | $0.01 | $0.01 | 0.0% |');
    expect(md).toContain('- **m1** regressed: `t0#0`');
    expect(md).toMatch(/### Gate failures\n\n- m1: resolved rate fell 10\.0 pp/);
    expect(md).toContain('| base USD/attempt | head USD/attempt |');
  });

  it('labels the USD of a run priced with an illustrative sheet as made up', () => {
    const made = (r: StoredRun): StoredRun => ({ ...r, header: { ...r.header, price_sheet: { ...r.header.price_sheet, illustrative: true } } });
    expect(comparisonMarkdown(compareRuns(run('b', all('resolved')), made(run('h', all('resolved')))))).toContain('| base USD/attempt | head USD/attempt (made-up prices) |');
    expect(comparisonMarkdown(compareRuns(made(run('b', all('resolved'))), made(run('h', all('resolved')))))).toContain('| base USD/attempt (made-up prices) | head USD/attempt (made-up prices) |');
  });

  it('keeps the digits of a small mean cost, and names a gate it could not check instead of saying it holds', () => {
    const gates = { maxCostIncreasePct: 10 };
    const md = comparisonMarkdown(compareRuns(run('b', all('resolved'), 0), run('h', all('resolved'), 0.00056), gates), gates);
    expect(md).toContain('| $0 | $0.00056 | n/a |');
    expect(md).not.toContain('All configured gates hold');
    expect(md).toContain('not evaluable:** m1: --max-cost-increase (cost Δ n/a');
    expect(unevaluableGates(compareRuns(run('b', all('resolved'), 0.01), run('h', all('resolved'), 0.01)), gates)).toEqual([]);
  });

  it('says which side leaves the cost change unknown: head, base, both, or a base of $0', () => {
    const gates = { maxCostIncreasePct: 10 };
    const why = (b: number | null, h: number | null) => notEvaluable(compareRuns(run('b', all('resolved'), b), run('h', all('resolved'), h), gates), gates).map((u) => u.why);
    expect(why(0.0009, null)).toEqual(['cost Δ n/a: head cost unknown']);
    expect(why(null, 0.0009)).toEqual(['cost Δ n/a: base cost unknown']);
    expect(why(null, null)).toEqual(['cost Δ n/a: base and head cost unknown']);
    expect(why(0, 0.0009)).toEqual(['cost Δ n/a: base $0']);
    expect(why(0.0009, 0.0009)).toEqual([]);
  });

  it('never lists a contender that drives no model (gold, noop) as not evaluable by the cost gate', () => {
    const gates = { maxCostIncreasePct: 10 };
    const ref = (runId: string): StoredRun => {
      const r = run(runId, all('resolved'), 0, 'gold');
      return { ...r, header: makeHeader({ run_id: runId, contenders: [referenceContender('gold')], suite: { hash: 's', instance_ids: ids } }) };
    };
    expect(unevaluableGates(compareRuns(ref('b'), ref('h'), gates), gates)).toEqual(['--max-cost-increase (no model contender in both runs)']); // gold itself is not named; the gate, checked against nothing, is
    expect(unevaluableGates(compareRuns(run('b', all('resolved'), 0), run('h', all('resolved'), 0), gates), gates)).toEqual([expect.stringMatching(/^m1: --max-cost-increase/)]); // a model's $0 still is
  });

  it('names a gate no contender could be checked against (only gold and noop in both runs) as not evaluable, never as holding', () => {
    const refs = (runId: string, extra: string[] = []): StoredRun => ({
      header: makeHeader({ run_id: runId, contenders: [referenceContender('gold'), referenceContender('noop'), ...extra.map((m) => modelContender(m))], suite: { hash: 's', instance_ids: ids } }),
      attempts: [...['gold', 'noop', ...extra].flatMap((m) => ids.map((t) => makeAttempt(m, t, m === 'noop' ? 'unresolved' : 'resolved', m === 'fake-coder' ? 0.01 : 0, { run_id: runId })))],
    });
    const gates = { maxCostIncreasePct: 10, maxDropPp: 5 };
    const c = compareRuns(refs('b'), refs('h', ['fake-coder']), gates);
    expect(c.failures).toEqual([]);
    expect(unevaluableGates(c, gates)).toEqual(['--max-cost-increase (no model contender in both runs)']); // --max-drop was checked on gold and noop
    const md = comparisonMarkdown(c, gates);
    expect(md).not.toContain('All configured gates hold');
    expect(md).toContain('not evaluable:** --max-cost-increase (no model contender in both runs).');
    const apart = compareRuns(run('b', all('resolved'), 0.01, 'm1'), run('h', all('resolved'), 0.01, 'm2'));
    expect(unevaluableGates(apart, { maxDropPp: 5, significantDrop: 0.05, maxCostIncreasePct: 10 })).toEqual([
      '--max-drop (no contender in both runs)', '--significant-drop (no contender in both runs)', '--max-cost-increase (no model contender in both runs)',
    ]);
  });

  it('names every gate as not evaluable for a contender whose head attempts were all infra_error, with why, and gives no p-value', () => {
    const gates = { maxDropPp: 5, significantDrop: 0.05, maxCostIncreasePct: 10 };
    const c = compareRuns(run('b', all('resolved')), run('h', all('infra_error')), gates);
    expect(c.contenders[0]).toMatchObject({ pairs: 0, excludedInfra: 10, pValue: null, recorded: { base: 10, head: 10 }, infraErrors: { base: 0, head: 10 } });
    expect(c.failures).toEqual([]);
    expect(notEvaluable(c, gates)).toEqual([
      { gate: '--max-drop', contender: 'm1', why: 'no pair: 10 infra_error in head' },
      { gate: '--significant-drop', contender: 'm1', why: 'no pair: 10 infra_error in head' },
      { gate: '--max-cost-increase', contender: 'm1', why: 'cost Δ n/a: no pair: 10 infra_error in head' },
    ]);
    const md = comparisonMarkdown(c, gates);
    expect(md).toContain('| m1 | 0 (+10 infra) | 0 (n/a) | 0 (n/a) | n/a | n/a |');
    expect(md).toContain('not evaluable:** m1: --max-drop (no pair: 10 infra_error in head); m1: --significant-drop (no pair: 10 infra_error in head)');
    expect(md).not.toContain('All configured gates hold');
  });

  it('checks --significant-drop per contender: one with pairs holds, one without is named', () => {
    const two = (runId: string, m2: Outcome): StoredRun => ({
      header: makeHeader({ run_id: runId, contenders: [modelContender('m1'), modelContender('m2')], suite: { hash: 's', instance_ids: ids } }),
      attempts: [...ids.map((t) => makeAttempt('m1', t, 'resolved', 0.01, { run_id: runId })), ...(runId === 'h' ? [] : ids.map((t) => makeAttempt('m2', t, m2, 0.01, { run_id: runId })))],
    });
    const gates = { significantDrop: 0.05 };
    const c = compareRuns(two('b', 'resolved'), two('h', 'resolved'), gates);
    expect(unevaluableGates(c, gates)).toEqual(['m2: --significant-drop (no pair: nothing recorded in head)']);
    expect(c.contenders.map((x) => x.pValue)).toEqual([1, null]);
    const infraBoth = compareRuns(run('b', all('infra_error')), run('h', ['resolved', ...all('infra_error').slice(1)]), gates);
    expect(unevaluableGates(infraBoth, gates)).toEqual(['m1: --significant-drop (no pair: 9 infra_error in head, 10 infra_error in base)']);
  });

  it('escapes table cells', () => {
    expect(mdCell('a|b<script>\nx')).toBe('a\\|b&lt;script&gt; x');
  });
});

describe('configHash', () => {
  it('groups runs by configuration, not by run id, time or shard', () => {
    const h = makeHeader({ contenders: [modelContender('m1')] });
    expect(configHash({ ...h, run_id: 'x', started_at: 'y', shard: { index: 1, count: 2 } })).toBe(configHash(h));
    expect(configHash({ ...h, attempts_per_task: 2 })).not.toBe(configHash(h));
  });
});

describe('a comparison with a run that did not finish', () => {
  it('says which run, its status and how many attempts it recorded, in the sentences and the Markdown', () => {
    const base = run('b', all('resolved'));
    const cut = run('h', all('resolved').slice(0, 4));
    const head: StoredRun = { ...cut, header: { ...cut.header, status: 'interrupted' } };
    const c = compareRuns(base, head);
    expect(c.head).toMatchObject({ run_id: 'h', status: 'interrupted', attempts: 4 });
    expect(unfinishedRuns(c)).toEqual(['head h is interrupted (4 attempt(s) recorded): only the attempts it recorded are compared']);
    expect(comparisonMarkdown(c)).toContain('> **Not finished:** head h is interrupted (4 attempt(s) recorded): only the attempts it recorded are compared.');
    const budget: StoredRun = { ...base, header: { ...base.header, status: 'budget_exhausted' } };
    expect(unfinishedRuns(compareRuns(budget, head))).toEqual([
      'base b is budget exhausted (10 attempt(s) recorded): only the attempts it recorded are compared',
      'head h is interrupted (4 attempt(s) recorded): only the attempts it recorded are compared',
    ]);
  });

  it('says nothing when both finished', () => {
    const c = compareRuns(run('b', all('resolved')), run('h', all('resolved')));
    expect(unfinishedRuns(c)).toEqual([]);
    expect(comparisonMarkdown(c)).not.toContain('Not finished');
  });
});
