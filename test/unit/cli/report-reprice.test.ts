// `fixbench report --prices`: a model's row is found by the price key the run recorded, so a run of
// models missing from the bundled catalog re-prices without --models-file.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../../src/cli/report.ts';
import { repricedReportName } from '../../../src/report/paths.ts';
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
    const html = await readFile(path.join(tmp, 'reports', repricedReportName('r1', '2026-06-01', await readFile(sheet)), 'index.html'), 'utf8');
    expect(html).toContain('$3.00'); // (1e6·1.00 + 1e6·2.00) / 1e6

    // another sheet of the same as_of (newcomer13 #7): its own folder, the first report kept
    const other = path.join(tmp, 'sheet-b.yaml');
    await writeFile(other, 'as_of: "2026-06-01"\nsource: another test\nmodels:\n  shared-row: { input: "2.00", output: "4.00" }\n');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await reportCommand(run, { results: path.join(tmp, 'results'), reports: path.join(tmp, 'reports'), prices: other })).toBe(0);
    const second = repricedReportName('r1', '2026-06-01', await readFile(other));
    expect(second).not.toBe(repricedReportName('r1', '2026-06-01', await readFile(sheet)));
    expect(second).toMatch(/^r1-prices-2026-06-01-[0-9a-f]{8}$/);
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain(path.join(tmp, 'reports', second, 'index.html'));
    expect(await readFile(path.join(tmp, 'reports', second, 'index.html'), 'utf8')).toContain('$6.00');
    expect(await readFile(path.join(tmp, 'reports', repricedReportName('r1', '2026-06-01', await readFile(sheet)), 'index.html'), 'utf8')).toContain('$3.00');
  });

  it('moves the answer where the bundled sheets say it should: MiniMax M2.5 passes DeepSeek V3.2 on value under the June sheet', async () => {
    // Same tokens per attempt for both: 1,000,000 uncached input + 100,000 output, one call.
    //   March (2026-03-31): deepseek-v3.2 0.28 + 0.042 = $0.322; minimax-m2.5 0.30 + 0.110 = $0.410
    //   June  (2026-06-30): deepseek-v3.2 0.2288 + 0.03432 = $0.26312; minimax-m2.5 0.12 + 0.048 = $0.168
    // Both resolve t1 and t2 of 4: at equal rates the cheaper one dominates, so the best value flips.
    const run = path.join(tmp, 'results', 'r2');
    await mkdir(run, { recursive: true });
    const ids = ['deepseek-v3.2', 'minimax-m2.5'];
    const tasks = ['t1', 't2', 't3', 't4'];
    const header = makeHeader({ run_id: 'r2', suite: { hash: 'h', instance_ids: tasks }, contenders: ids.map((id) => modelContender(id)) });
    const usage = { input_uncached: 1_000_000, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 100_000, reasoning: 0 };
    const attempts = ids.flatMap((id) => tasks.map((t, i) => makeAttempt(id, t, i < 2 ? 'resolved' : 'unresolved', 0, { run_id: 'r2', calls: 1, usage })));
    await writeFile(path.join(run, 'run.json'), JSON.stringify(header));
    await writeFile(path.join(run, 'attempts.jsonl'), attempts.map((a) => JSON.stringify(a)).join('\n') + '\n');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { readFile } = await import('node:fs/promises');
    const { ROOT } = await import('../../helpers/cli.ts');
    const bestValue = async (sheet: string): Promise<string> => {
      const code = await reportCommand(run, { results: path.join(tmp, 'results'), reports: path.join(tmp, 'reports'), prices: path.join(ROOT, 'prices', `${sheet}.yaml`) });
      expect(code).toBe(0);
      const file = path.join(ROOT, 'prices', `${sheet}.yaml`);
      const html = await readFile(path.join(tmp, 'reports', repricedReportName('r2', sheet, await readFile(file)), 'index.html'), 'utf8');
      const block = html.slice(html.indexOf('<section id="answer"'), html.indexOf('</section>', html.indexOf('<section id="answer"')));
      const m = /Best value<\/div>\s*<div class="answer-name mono">([^<]+)<\/div>\s*<div>[^<]*<\/div>\s*<div>([^<]+)<\/div>/.exec(block);
      expect(m, block).not.toBeNull();
      return `${m![1]} ${m![2]}`;
    };
    expect(await bestValue('2026-03-31')).toBe('deepseek-v3.2 $0.322 per task');
    expect(await bestValue('2026-06-30')).toBe('minimax-m2.5 $0.168 per task');
  });
});
