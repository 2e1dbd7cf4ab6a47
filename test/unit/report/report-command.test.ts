// `fixbench report`: one run (with attempts pages and trajectories) or the site index; bad input.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../src/cli/report.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { writeHostileRun } from '../../helpers/hostile-run.ts';

const RUN = '20260401T020000Z-ab12';

describe('reportCommand', () => {
  let dir: string;
  let results: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-report-cmd-'));
    results = join(dir, 'results');
    // the folder is named by its run_id: a run whose folder and run_id differ is refused (test/e2e/output-paths.test.ts)
    await writeHostileRun(join(results, RUN));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a run report with its attempts pages and the bundled published figures', async () => {
    const code = await reportCommand(RUN, { results, reports: join(dir, 'reports') });
    expect(code).toBe(0);
    const html = await readFile(join(dir, 'reports', '20260401T020000Z-ab12', 'index.html'), 'utf8');
    expect(html).toContain('SWE-bench Verified');
    expect(existsSync(join(dir, 'reports', '20260401T020000Z-ab12', 'attempts', '0', '0.html'))).toBe(true);
  });

  it('writes to --out and reads --published', async () => {
    const published = join(dir, 'published.yaml');
    await writeFile(published, 'scores:\n  - model: Evil\n    match: [evil-model]\n    benchmark: Made-up Bench\n    score: 12.5\n    date: 2026-01-02\n    source: a test\n');
    await reportCommand(join(results, RUN), { results, reports: join(dir, 'reports'), out: join(dir, 'custom'), published });
    const html = await readFile(join(dir, 'custom', 'index.html'), 'utf8');
    expect(html).toContain('Made-up Bench 12.5%');
    expect(html).not.toContain('SWE-bench Verified');
  });

  it('builds the site with --site (the --results folder by default)', async () => {
    expect(await reportCommand(undefined, { results, reports: join(dir, 'site'), site: true })).toBe(0);
    const index = await readFile(join(dir, 'site', 'index.html'), 'utf8');
    expect(index).toContain('<a href="20260401T020000Z-ab12/index.html">');
  });

  it('refuses a missing run, both a run and --site, and neither', async () => {
    await expect(reportCommand('nope', { results, reports: join(dir, 'x') })).rejects.toThrow(UserInputError);
    await expect(reportCommand(RUN, { results, reports: join(dir, 'x'), site: true })).rejects.toThrow(/not both/);
    await expect(reportCommand(undefined, { results, reports: join(dir, 'x') })).rejects.toThrow(/which run/);
  });
});
