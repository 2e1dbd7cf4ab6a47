// The report shows the stricter variant (resolved_strict, tasks import --compute-pass-to-pass) per
// contender in its own labelled section, never in the resolved rate; a run without it shows nothing.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/report/build.ts';
import { strictView } from '../../../src/report/strict-view.ts';
import { buildViewModel } from '../../../src/report/view-model.ts';
import { makeAttempt, makeHeader, modelContender } from '../analysis/fixtures.ts';

describe('strict variant in the report', () => {
  const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2', 't3'] }, contenders: [modelContender('alpha'), modelContender('beta')] });
  const attempts = [
    // alpha resolves t1 and t2 under SWE-bench's rule, but breaks a gold-passing test on t2: strict 1 / 2
    makeAttempt('alpha', 't1', 'resolved', 0.1, { resolved_strict: true }),
    makeAttempt('alpha', 't2', 'resolved', 0.1, { resolved_strict: false }),
    makeAttempt('alpha', 't3', 'resolved', 0.1),
    makeAttempt('beta', 't1', 'unresolved', 0.1, { resolved_strict: false }),
    makeAttempt('beta', 't2', 'infra_error', 0, { resolved_strict: false }),
    makeAttempt('beta', 't3', 'unresolved', 0.1),
  ];

  it('counts per contender only graded attempts at tasks with the strict list, beside SWE-bench\'s verdict on the same attempts', () => {
    const v = strictView(header, attempts)!;
    expect(v.tasks).toBe('2');
    expect(v.rows.map(({ id, strict, rate, resolved }) => ({ id, strict, rate, resolved }))).toEqual([
      { id: 'alpha', strict: '1 / 2', rate: '50.0%', resolved: '2 / 2' },
      { id: 'beta', strict: '0 / 1', rate: '0.0%', resolved: '0 / 1' },
    ]);
    expect(v.rows[0]!.interval).toMatch(/^\d+\.\d%–\d+\.\d%$/);
  });

  it('renders as its own labelled section and leaves the resolved rate as SWE-bench scores it', async () => {
    const html = await renderReport(header, attempts);
    expect(html).toContain('<section id="strict">');
    expect(html).toContain('stricter than SWE-bench (PASS_TO_PASS computed from gold)');
    expect(html).toMatch(/<td class="mono">alpha<\/td><td>1 \/ 2<\/td><td>50\.0%<\/td>/);
    // alpha resolved all 3 tasks under SWE-bench's rule: the leaderboard still says 3
    const alpha = buildViewModel(header, attempts).rows.find((r) => r.id === 'alpha')!;
    expect(alpha.resolved).toBe('3/3');
  });

  it('is absent when no record has resolved_strict', async () => {
    const plain = attempts.map(({ resolved_strict: _, ...a }) => a);
    expect(strictView(header, plain)).toBeNull();
    expect(buildViewModel(header, plain).strict).toBeNull();
    expect(await renderReport(header, plain)).not.toContain('id="strict"');
  });
});
