// `fixbench report --prices`: a model's row is found by the price key the run recorded, so a run of
// models missing from the bundled catalog re-prices without --models-file.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../src/cli/report.ts';
import { makeAttempt, makeHeader, modelContender } from '../analysis/fixtures.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-reprice-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

describe('report --prices', () => {
  it('uses the price key recorded in run.json for a model not in the bundled catalog', async () => {
    const run = path.join(tmp, 'results', 'r1');
    await mkdir(run, { recursive: true });
    const header = makeHeader({ run_id: 'r1', suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('my-private-model', { price_key: 'shared-row' })] });
    // 1 000 000 uncached input tokens and 1 000 000 output tokens, 1 call
    const attempt = makeAttempt('my-private-model', 't1', 'resolved', 5, {
      run_id: 'r1',
      calls: 1,
      usage: { input_uncached: 1_000_000, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 1_000_000, reasoning: 0 },
    });
    await writeFile(path.join(run, 'run.json'), JSON.stringify(header));
    await writeFile(path.join(run, 'attempts.jsonl'), JSON.stringify(attempt) + '\n');
    const sheet = path.join(tmp, 'sheet.yaml');
    await writeFile(sheet, 'as_of: "2026-06-01"\nsource: test\nmodels:\n  shared-row: { input: "1.00", output: "2.00" }\n');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await reportCommand(run, { results: path.join(tmp, 'results'), reports: path.join(tmp, 'reports'), prices: sheet });
    expect(code).toBe(0);
    // No "no price" note: the recorded key "shared-row" was used, not the id.
    expect(err.mock.calls.map((c) => String(c[0])).join('')).not.toMatch(/no price/);
    const { readFile } = await import('node:fs/promises');
    const html = await readFile(path.join(tmp, 'reports', 'r1-prices-2026-06-01', 'index.html'), 'utf8');
    expect(html).toContain('$3.00'); // (1e6·1.00 + 1e6·2.00) / 1e6
  });
});
