// The gold/noop sanity check on the report's first screen (src/analysis/reference-check.ts, src/report/reference-view.ts).
import { describe, expect, it } from 'vitest';
import { analyseRun } from '../../../src/analysis/run.ts';
import { referenceCheck } from '../../../src/analysis/reference-check.ts';
import { renderReport } from '../../../src/report/build.ts';
import type { Outcome } from '../../../src/core/outcome.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

const tasks = ['t1', 't2', 't3', 't4'];

/** A run of `cheap` and the reference agents named in `outcomes` (one outcome per task, undefined = not run). */
function run(outcomes: Partial<Record<'gold' | 'noop', Array<Outcome | undefined>>>) {
  const refs = (Object.keys(outcomes) as Array<'gold' | 'noop'>).map(referenceContender);
  const header = makeHeader({ suite: { hash: 'h', instance_ids: tasks }, contenders: [modelContender('cheap'), ...refs] });
  const attempts = [
    ...tasks.map((t, i) => makeAttempt('cheap', t, i < 2 ? 'resolved' : 'unresolved', 0.01)),
    ...Object.entries(outcomes).flatMap(([id, os]) => os.flatMap((o, i) => (o ? [makeAttempt(id, tasks[i]!, o, 0, { agent: id })] : []))),
  ];
  return { header, attempts };
}

/** The sanity line of the rendered page, tags stripped; null when the page has none. */
async function sanityLine(r: ReturnType<typeof run>): Promise<string | null> {
  const html = await renderReport(r.header, r.attempts);
  const m = /<p [^>]*id="sanity">([^<]*)<\/p>/.exec(html);
  return m ? m[1]!.replace(/&#x27;/g, "'") : null;
}

describe('the report\'s sanity check of gold and noop', () => {
  it('says it passed when gold resolved every task and noop none, before the answer block', async () => {
    const r = run({ gold: ['resolved', 'resolved', 'resolved', 'resolved'], noop: ['unresolved', 'unresolved', 'unresolved', 'unresolved'] });
    expect(await sanityLine(r)).toBe("Sanity check (gold, the task's own fix, must resolve every task; noop, no change, none): gold resolved 4/4, noop 0/4 — passed.");
    const html = await renderReport(r.header, r.attempts);
    expect(html.indexOf('id="sanity"')).toBeLessThan(html.indexOf('id="answer"'));
    expect(html).toMatch(/<p class="muted" id="sanity">/);
  });

  it('names what failed, as a banner: the tasks gold did not resolve (with their outcome) and those noop resolved', async () => {
    const r = run({ gold: ['resolved', 'unresolved', 'infra_error', 'resolved'], noop: ['resolved', 'unresolved', 'unresolved', 'unresolved'] });
    const line = await sanityLine(r);
    expect(line).toMatch(/^Sanity check \(gold, the task's own fix, must resolve every task; noop, no change, none\): gold resolved 2\/4, noop 1\/4 — failed: gold did not resolve t2 \(unresolved\), t3 \(infra_error\); noop resolved t1 with no change\. /);
    expect(await renderReport(r.header, r.attempts)).toMatch(/<p class="banner" id="sanity">/);
  });

  it('reports only the reference agent that ran, and says incomplete when some of its attempts never ran', async () => {
    expect(await sanityLine(run({ noop: ['unresolved', 'unresolved', 'unresolved', 'unresolved'] }))).toBe("Sanity check (gold, the task's own fix, must resolve every task; noop, no change, none): noop 0/4 — passed.");
    expect(await sanityLine(run({ gold: ['resolved', 'resolved', undefined, undefined] }))).toMatch(/^Sanity check \(gold, the task's own fix, must resolve every task; noop, no change, none\): gold resolved 2\/4 \(2 not run\) — incomplete: /);
  });

  it('shows nothing when neither gold nor noop ran', async () => {
    const r = run({});
    expect(referenceCheck(analyseRun(r.header, r.attempts).ranked, analyseRun(r.header, r.attempts).matrix)).toBeNull();
    expect(await sanityLine(r)).toBeNull();
    expect(await renderReport(r.header, r.attempts)).not.toContain('Sanity check');
  });

  it('names at most three failing tasks per reference agent and counts the rest', async () => {
    const r = run({ gold: ['unresolved', 'unresolved', 'unresolved', 'unresolved'] });
    expect(await sanityLine(r)).toContain('gold did not resolve t1 (unresolved), t2 (unresolved), t3 (unresolved) and 1 more.');
  });
});
