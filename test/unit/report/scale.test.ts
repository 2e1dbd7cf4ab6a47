// A report over a synthetic run of 20 models × 500 tasks × 3 attempts stays small enough to open
// quickly: the index page has a size bound, the matrix is compact, per-attempt detail lives on the
// attempts pages. (Build time is measured by hand, not asserted: timed unit tests are flaky.)
import { readdir, stat } from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.ts';
import { syntheticRun } from '../../../bench/lib/synthetic.ts';

/** Upper bound of the index page at 20 × 500 × 3, bytes. Measured ~1.1 MB. */
const INDEX_BOUND = 1_500_000;

describe('report at scale (20 models × 500 tasks × 3 attempts)', () => {
  let dir: string;
  let html: string;
  const { header, attempts } = syntheticRun();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-scale-'));
    html = await readFile(await buildReport({ header, attempts, outDir: dir }), 'utf8');
  }, 600_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates the run it claims: 22 contenders (20 models, gold, noop), 500 tasks, 3 attempts', () => {
    expect(header.contenders).toHaveLength(22);
    expect(header.suite.instance_ids).toHaveLength(500);
    expect(header.attempts_per_task).toBe(3);
    expect(attempts.length).toBeGreaterThan(32_000);
    expect(syntheticRun()).toEqual({ header, attempts }); // seeded: deterministic
  });

  it(`keeps the index page under ${INDEX_BOUND} bytes`, async () => {
    expect((await stat(join(dir, 'index.html'))).size).toBeLessThan(INDEX_BOUND);
  });

  it('shows every task in the matrix and routes among the 19 priced models (171 cascades)', () => {
    expect(html.match(/<td class=task>/g)).toHaveLength(500);
    expect(html.match(/<td class="mono">[^<]+ → [^<]+<\/td><td>cascade<\/td>/g)).toHaveLength(171);
    expect(html).toContain('pass@3 / pass^3');
    expect(html).not.toMatch(/data-v="[^"]*,/); // sort keys are raw numbers (the shown "2,704" would sort as NaN)
  });

  it('stays navigable: the matrix filters to the tasks where models disagree, the routing table shows 10 of 172 rows until asked, the picker answers', () => {
    const disagreeing = html.match(/<tr class=d>/g)?.length ?? 0;
    expect(disagreeing).toBeGreaterThan(50);
    expect(disagreeing).toBeLessThan(500);
    expect(html).toContain(`only the ${disagreeing} tasks where the models disagree`);
    expect(html).toContain('show all 172 strategies (the table shows its first 10 in the current order)');
    expect(html).toMatch(/<output id="pick-target-out" for="pick-target">Target [\d.]+% resolved: the cheapest cascade reaching it is model-\d+ → model-\d+/);
  });

  it('writes one attempts page per contender and task that ran', async () => {
    const perContender = await Promise.all(header.contenders.map((_, i) => readdir(join(dir, 'attempts', String(i)))));
    expect(perContender.reduce((n, files) => n + files.length, 0)).toBe(new Set(attempts.map((a) => `${a.contender}/${a.instance_id}`)).size);
  });
});
