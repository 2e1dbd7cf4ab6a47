// History groups runs by the RunConfig's canonical hash (older runs keep the hash they always had),
// and compare names each contender's configuration changes.
import { describe, expect, it } from 'vitest';
import { configChanges, configHash, noPreviousMessage } from '../../../src/history/runs.ts';
import { compareRuns, contenderConfigChanges } from '../../../src/history/compare.ts';
import { comparisonMarkdown } from '../../../src/history/markdown.ts';
import { buildRunConfig, headerConfigFields, type ContenderPlan } from '../../../src/runner/run-config.ts';
import { ModelSpec } from '../../../src/config/models.ts';
import { stableHash } from '../../../src/core/ids.ts';
import type { RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader } from '../analysis/fixtures.ts';

const spec = (params: Record<string, unknown>) =>
  ModelSpec.parse({ id: 'gpt-x', provider: 'fake', api: 'openai-chat', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: 'fake/x', vendor: 'F', region: 'US', params });
const plan = (params: Record<string, unknown>): ContenderPlan => ({ kind: 'model', model: { spec: spec(params), price: { input: '1.00', output: '2.00' } }, apiKey: 'sk-x' });
const header = (params: Record<string, unknown>, over: Partial<RunHeader> = {}): RunHeader => {
  const plans = [plan(params)];
  const config = buildRunConfig({
    plans, limits: { steps: 40, attempt_usd: 0.5, wall_ms: 1000, command_timeout_ms: 1000 }, runBudget: { usd: null, tokens: null }, attempts: 1, rerunFailed: 0,
    priceSheet: { file: 'prices/p.yaml', sheet: { as_of: '2026-04-01', source: 's', currency: 'USD', unit: 'USD per million tokens', models: {} } as never },
  });
  return makeHeader({ ...headerConfigFields(config, plans), ...over });
};

describe('history groups', () => {
  it('are the RunConfig hash: key order does not split a group, a changed param does', () => {
    expect(configHash(header({ temperature: 0, top_p: 1 }))).toBe(configHash(header({ top_p: 1, temperature: 0 })));
    expect(configHash(header({ temperature: 0, top_p: 1 }))).not.toBe(configHash(header({ temperature: 1, top_p: 1 })));
  });

  it('keep the hash an older run (no RunConfig) always had', () => {
    const old = makeHeader();
    expect(configHash(old)).toBe(stableHash([], old.limits, old.attempts_per_task, old.rerun_failed, old.price_sheet.file).slice(0, 16));
  });
});

describe('compare', () => {
  it('names a contender\'s configuration changes, base → head, in the comparison and its Markdown', () => {
    const base = header({ temperature: 0 }, { run_id: 'b' });
    const head = header({ temperature: 1 }, { run_id: 'h' });
    expect(contenderConfigChanges(base, base, 'gpt-x')).toEqual([]);
    expect(contenderConfigChanges(base, head, 'gpt-x')).toEqual(['model.params.temperature: 0 → 1']);
    expect(contenderConfigChanges(makeHeader(), head, 'gpt-x')).toBeNull();
    const rec = (run: string) => [makeAttempt('gpt-x', 't1', 'resolved', 0.01, { run_id: run })];
    const c = compareRuns({ header: base, attempts: rec('b') }, { header: head, attempts: rec('h') });
    expect(c.contenders[0]!.configChanges).toEqual(['model.params.temperature: 0 → 1']);
    expect(comparisonMarkdown(c)).toContain('- **gpt-x**: `model.params.temperature: 0 → 1`');
  });
});

describe('compare previous with no run of the same configuration', () => {
  const priced = (input: string, over: Partial<RunHeader>): RunHeader => {
    const plans: ContenderPlan[] = [{ kind: 'model', model: { spec: spec({ temperature: 0 }), price: { input, output: '2.00' } }, apiKey: 'sk-x' }];
    const config = buildRunConfig({
      plans, limits: { steps: 40, attempt_usd: 0.5, wall_ms: 1000, command_timeout_ms: 1000 }, runBudget: { usd: null, tokens: null }, attempts: 1, rerunFailed: 0,
      priceSheet: { file: 'prices/p.yaml', sheet: { as_of: '2026-04-01', source: 's', currency: 'USD', unit: 'USD per million tokens', models: {} } as never },
    });
    return makeHeader({ ...headerConfigFields(config, plans), ...over });
  };
  const entry = (h: RunHeader) => ({ dir: `/r/${h.run_id}`, header: h, group: `${h.suite.hash}/${configHash(h)}` });

  it('names the fields that changed since the last run of the same suite (a price-sheet change)', () => {
    const before = entry(priced('1.00', { run_id: 'night-1', started_at: '2026-04-01T02:00:00.000Z' }));
    const after = entry(priced('1.25', { run_id: 'night-2', started_at: '2026-04-02T02:00:00.000Z' }));
    expect(before.group).not.toBe(after.group);
    const msg = noPreviousMessage(after, [after, before], '/r');
    expect(msg).toContain('  night-1  ');
    // the configuration change leads, and the --task hint (another suite) is not given: it is the same suite
    expect(msg).toMatch(/ \(suite \w+, 4 task\(s\)\)\.\nnight-1 ran the same suite with another configuration; what changed \(night-1 → night-2\):\n  contenders\[gpt-x\]\.model\.price\.input: "1\.00" → "1\.25"\nruns sharing tasks/);
    expect(msg).not.toMatch(/--task/);
    expect(configChanges(before.header, after.header)).toEqual(['contenders[gpt-x].model.price.input: "1.00" → "1.25"']);
  });

  it('names older runs\' differences from the fields their hash covers, and nothing for another suite', () => {
    const a = makeHeader({ run_id: 'a', attempts_per_task: 1 });
    const b = makeHeader({ run_id: 'b', attempts_per_task: 3 });
    expect(configChanges(a, b)).toEqual(['attempts_per_task: 1 → 3']);
    const other = entry(makeHeader({ run_id: 'o', suite: { hash: 'other', instance_ids: a.suite.instance_ids }, attempts_per_task: 3 }));
    expect(noPreviousMessage(entry(a), [entry(a), other], '/r')).not.toMatch(/what changed/);
  });
});
