import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dryRunCommand, keylessNotes, type DryRunInput } from '../../../src/cli/forecast.ts';
import { DEFAULT_PRIOR } from '../../../src/analysis/forecast.ts';

let tmp: string;
let out: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-dry-run-unit-'));
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

const input = (over: Partial<DryRunInput> = {}): DryRunInput => ({
  resultsDir: path.join(tmp, 'results'),
  tasks: ['a', 'b', 'c', 'd'],
  catalog: { priceFile: path.join(tmp, 'prices.yaml'), sheet: { as_of: '2026-04-01' }, models: [], routes: [] } as never,
  models: [{ spec: { id: 'm', api_key_env: 'FIXBENCH_TEST_NO_SUCH_KEY' }, price: { input: '1', output: '10' } }] as never,
  agentIds: ['bash'],
  reference: true,
  attemptsPerTask: 1,
  budgetUsd: null,
  attemptUsd: null,
  budgetTokens: null,
  json: true,
  ...over,
});

describe('dryRunCommand', () => {
  it('forecasts the reference agents at $0 and a model without history at the prior', async () => {
    expect(await dryRunCommand(input())).toBe(0);
    const f = JSON.parse(out);
    expect(f.contenders.map((c: { id: string }) => c.id)).toEqual(['gold', 'noop', 'm']);
    expect(f.contenders[0]).toMatchObject({ usd: 0, promptTokens: 0 });
    const perAttempt = (DEFAULT_PRIOR.promptTokens * 1 + DEFAULT_PRIOR.outputTokens * 10) / 1e6;
    expect(f.total.usd).toBeCloseTo(4 * perAttempt, 12);
    expect(f.keys_not_set).toEqual(['m (FIXBENCH_TEST_NO_SUCH_KEY)']);
  });

  it('with nothing to run, refuses as the run would (the user\'s error)', async () => {
    await expect(dryRunCommand(input({ models: [], reference: false }))).rejects.toThrow('nothing to forecast: no reference agent and no model (--no-reference with --no-models');
  });

  it('with --shard i/n, forecasts about 1/n of the run', async () => {
    await dryRunCommand(input({ shard: { index: 1, count: 2 } }));
    const half = JSON.parse(out);
    out = '';
    await dryRunCommand(input());
    const whole = JSON.parse(out);
    expect(half.total.usd).toBeCloseTo(whole.total.usd / 2, 12);
    expect(half.total.attempts).toBe(whole.total.attempts / 2);
    expect(half.shard).toEqual({ index: 1, count: 2 });
  });
});

describe('keylessNotes', () => {
  it('says one line per unset variable, naming its models, not one line per model', () => {
    const models = [{ id: 'a', keyEnv: 'OPENROUTER_API_KEY' }, { id: 'b', keyEnv: 'OTHER_KEY' }, { id: 'c', keyEnv: 'OPENROUTER_API_KEY' }];
    expect(keylessNotes(models)).toEqual([
      'note: OPENROUTER_API_KEY not set (2 models: a, c): the forecast counts them (a dry run calls nothing); a real run would skip them (or refuse, when --models names one)',
      'note: OTHER_KEY not set (1 model: b): the forecast counts it (a dry run calls nothing); a real run would skip it (or refuse, when --models names it)',
    ]);
    expect(keylessNotes([])).toEqual([]);
  });
});
