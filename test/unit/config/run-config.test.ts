// RunConfig and its canonical hash (issue 17.1): the attempt key ignores key order and changes with
// every field that defines an attempt; a resume or merge under any other configuration is refused,
// naming the field; a run.json without RunConfig is still compared on its header fields.
import { describe, expect, it } from 'vitest';
import { RunConfig, contenderConfigHash, runConfigHash } from '../../../src/config/run-config.ts';
import { configDiff } from '../../../src/config/run-config-diff.ts';
import { attemptKeyOf, buildRunConfig, contenderConfigOf, contenderOf, legacyAttemptKey, agentLimitsOf, type ContenderPlan } from '../../../src/runner/run-config.ts';
import { ModelSpec } from '../../../src/config/models.ts';
import { AgentSpec } from '../../../src/config/agents.ts';
import { resumeMismatches } from '../../../src/store/compat.ts';
import { mergeShards } from '../../../src/store/merge.ts';
import { RunHeader } from '../../../src/store/records.ts';
import { stableHash } from '../../../src/core/ids.ts';
import { makeHeader } from '../analysis/fixtures.ts';

const spec = ModelSpec.parse({
  id: 'gpt-x', name: 'GPT X', provider: 'fake', api: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'FAKE_KEY',
  model: 'fake/gpt-x', vendor: 'Fake', region: 'US', params: { temperature: 0, max_tokens: 512 }, price: 'gpt-x-row', stream: false, tool_calls: true, cache_control: false,
});
const price = { input: '2.00', output: '8.00', cache_read: '0.20' };
const agent = AgentSpec.parse({ id: 'my-cli', command: 'my-cli --model {{model}} < {{problem_file}}', env: ['LANG'], vars: { MY_CLI_QUIET: '1' }, timeout_s: 600, network: 'proxy' });
const bashPlan: ContenderPlan = { kind: 'model', model: { spec, price }, apiKey: 'sk-secret-never-stored-0123456789' };
const commandPlan: ContenderPlan = { kind: 'model', model: { spec, price }, apiKey: 'sk-secret-never-stored-0123456789', agent };
const predictionsPlan: ContenderPlan = { kind: 'predictions', id: 'preds', name: 'org/model', patches: new Map([['t1', 'diff --git a/x b/x\n'], ['t2', null]]) };
const sheet = { as_of: '2026-04-01', source: 'test', currency: 'USD', unit: 'USD per million tokens', models: { 'gpt-x-row': price } } as never;
const goldPlan: ContenderPlan = { kind: 'reference', agent: 'gold' };
const input = {
  plans: [goldPlan, bashPlan, commandPlan, predictionsPlan],
  limits: { steps: 40, attempt_usd: 0.5, wall_ms: 1_200_000, command_timeout_ms: 60_000 },
  runBudget: { usd: 2, tokens: null },
  attempts: 1,
  rerunFailed: 0,
  priceSheet: { file: 'prices/2026-04-01.yaml', sheet },
};
const config = buildRunConfig(input);
const clone = <T>(x: T): T => structuredClone(x);

/** Every leaf path of a value (`a.b[0].c`), with its value. */
function leaves(v: unknown, at: (string | number)[] = []): { path: (string | number)[]; value: unknown }[] {
  if (Array.isArray(v)) return v.length ? v.flatMap((x, i) => leaves(x, [...at, i])) : [{ path: at, value: v }];
  if (v && typeof v === 'object') return Object.keys(v).length ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k])) : [{ path: at, value: v }];
  return [{ path: at, value: v }];
}
/** `obj` with the leaf at `path` changed to another value of the same kind. */
function mutate<T>(obj: T, path: (string | number)[]): T {
  const out = clone(obj) as Record<string | number, unknown>;
  let o = out;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const k = path.at(-1)!;
  const v = o[k];
  o[k] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : typeof v === 'string' ? `${v}-changed` : v === null ? 7 : Array.isArray(v) ? ['added'] : { added: 1 };
  return out as T;
}
const show = (p: (string | number)[]) => p.join('.');

describe('RunConfig', () => {
  it('holds every contender\'s full agent configuration and no API key', () => {
    expect(RunConfig.parse(config)).toEqual(config);
    const text = JSON.stringify(config);
    expect(text).not.toContain('sk-secret');
    expect(config.contenders.map((c) => c.id)).toEqual(['gold', 'gpt-x', 'gpt-x@my-cli', 'preds']);
    expect(config.contenders[1]).toMatchObject({ model: { upstream: 'fake/gpt-x', api: 'openai', base_url: 'http://127.0.0.1:9/v1', params: { temperature: 0, max_tokens: 512 }, tool_calls: true, price_key: 'gpt-x-row' }, agent: { kind: 'bash' } });
    expect(config.contenders[2]).toMatchObject({ agent: { kind: 'command', id: 'my-cli', preset: null, timeout_s: 600, network: 'proxy', env: ['LANG'] } });
    expect(config.limits).toEqual({ steps: 40, attempt_usd: 0.5, wall_ms: 1_200_000, command_timeout_ms: 60_000, output_chars: 10_000, format_errors: 3,
      model_request_timeout_ms: 600_000, stream_idle_ms: 120_000, test_output_chars: 1_048_576, agent_output_bytes: 131_072 });
    expect(config.price_sheet).toMatchObject({ file: 'prices/2026-04-01.yaml', as_of: '2026-04-01', content_hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('gives each contender row of run.json its config_hash', () => {
    expect(contenderOf(bashPlan, config).config_hash).toBe(contenderConfigHash(config, config.contenders[1]!));
    expect(contenderOf(bashPlan).config_hash).toBeUndefined();
  });
});

describe('attempt key', () => {
  const key = (c: RunConfig, plan: ContenderPlan = bashPlan, task = 't1', a = 0) => attemptKeyOf(c, plan, task, a);

  it('ignores key order: models.yaml params, and the whole config, in any order give the same key and hashes', () => {
    const reorderedSpec = { ...spec, params: { max_tokens: 512, temperature: 0 } };
    const reversed = (o: unknown): unknown => (Array.isArray(o) ? o.map(reversed) : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, reversed(v)])) : o);
    const plan: ContenderPlan = { ...bashPlan, model: { spec: reorderedSpec, price } } as ContenderPlan;
    const c2 = buildRunConfig({ ...input, plans: [goldPlan, plan, commandPlan, predictionsPlan] });
    expect(JSON.stringify(c2)).not.toBe(JSON.stringify(config)); // the order differs…
    expect(key(c2, plan)).toBe(key(config)); // …the key does not
    const c3 = reversed(config) as RunConfig;
    expect(runConfigHash(c3)).toBe(runConfigHash(config));
    for (const p of input.plans) expect(key(c3, p)).toBe(key(config, p));
  });

  it('changes with the task, the attempt index and a predicted patch', () => {
    expect(key(config, bashPlan, 't2')).not.toBe(key(config));
    expect(key(config, bashPlan, 't1', 1)).not.toBe(key(config));
    expect(key(config, predictionsPlan, 't1')).not.toBe(key(config, predictionsPlan, 't2'));
  });

  // Table-driven over every leaf of what defines an attempt: a field dropped from the hash fails here.
  const defining = (c: RunConfig) => ({ contenders: c.contenders, limits: c.limits, rerun_failed: c.rerun_failed });
  const plans: Record<string, ContenderPlan> = { 'gpt-x': bashPlan, 'gpt-x@my-cli': commandPlan, preds: predictionsPlan, gold: goldPlan };
  // a contender's `id` is how a plan finds its entry: another id is another contender (a resume names it absent)
  const isContenderId = (p: (string | number)[]) => p[0] === 'contenders' && p.length === 3 && p[2] === 'id';
  const rows = leaves(defining(config)).map((l) => l.path).filter((p) => !isContenderId(p));
  it.each(rows.map((p) => [show(p), p]))('changes when %s changes', (_name, p) => {
    const changed = { ...config, ...mutate(defining(config), p as (string | number)[]) };
    const path = p as (string | number)[];
    // a contender's own fields change its keys; limits and re-runs change every contender's keys
    const affected = path[0] === 'contenders' ? [config.contenders[path[1] as number]!.id] : Object.keys(plans);
    for (const id of affected) expect(key(changed, plans[id]!), `${id} after ${show(path)}`).not.toBe(key(config, plans[id]!));
  });

  it('covers the whole RunConfig: the fields outside the key are exactly the run-wide ones, and a resume compares them', () => {
    const outside = leaves(config).map((l) => l.path).filter((p) => !['contenders', 'limits', 'rerun_failed'].includes(p[0] as string));
    expect(outside.map(show).sort()).toEqual(['attempts_per_task', 'config_version', 'price_sheet.as_of', 'price_sheet.content_hash', 'price_sheet.file', 'price_sheet.source', 'run_budget.tokens', 'run_budget.usd']);
    for (const p of outside) expect(key(mutate(config, p))).toBe(key(config)); // run-wide: same attempts…
  });

  it('changes with every behaviour field of a models.yaml entry and of an agents: entry (the plan → config mapping drops none)', () => {
    const display = new Set(['name', 'provider', 'vendor', 'region', 'source']);
    const specFields = Object.keys(ModelSpec.shape).filter((k) => !display.has(k));
    for (const f of specFields) {
      const v = (spec as Record<string, unknown>)[f];
      const changedSpec = { ...spec, [f]: f === 'api' ? 'anthropic' : f === 'params' ? { temperature: 1, max_tokens: 512 } : f === 'id' ? 'gpt-y' : f === 'input' ? ['text', 'image'] : typeof v === 'boolean' ? !v : `${String(v)}-2` };
      const plan = { ...bashPlan, model: { spec: changedSpec, price } } as ContenderPlan;
      const c = buildRunConfig({ ...input, plans: [plan] });
      expect(key(c, plan), `models.yaml ${f}`).not.toBe(key(config));
    }
    const agentFields = Object.keys(AgentSpec.shape).filter((k) => k !== 'description');
    for (const f of agentFields) {
      const v = (agent as Record<string, unknown>)[f];
      const changed = { ...agent, [f]: f === 'network' ? 'host' : f === 'env' ? ['LANG', 'TERM'] : f === 'vars' ? { MY_CLI_QUIET: '0' } : typeof v === 'number' ? v + 1 : `${String(v)}-2` };
      const plan = { ...commandPlan, agent: changed } as ContenderPlan;
      const c = buildRunConfig({ ...input, plans: [plan] });
      expect(key(c, plan), `agents: ${f}`).not.toBe(key(config, commandPlan));
    }
    const repriced = { ...bashPlan, model: { spec, price: { ...price, output: '9.00' } } } as ContenderPlan;
    expect(key(buildRunConfig({ ...input, plans: [repriced] }), repriced)).not.toBe(key(config));
  });
});

describe('resume and merge under another configuration', () => {
  const header = (c: RunConfig, over: Partial<RunHeader> = {}): RunHeader => makeHeader({ suite: { hash: 's', instance_ids: ['t1', 't2'] }, config: c, ...over });

  it('names the changed field, stored → now: contenders[gpt-x].model.params.temperature: 0 → 1', () => {
    const hot = { ...bashPlan, model: { spec: { ...spec, params: { temperature: 1, max_tokens: 512 } }, price } } as ContenderPlan;
    const now = buildRunConfig({ ...input, plans: [goldPlan, hot, commandPlan, predictionsPlan] });
    expect(resumeMismatches(header(config), header(now))).toEqual(['config.contenders[gpt-x].model.params.temperature: 0 → 1']);
    expect(resumeMismatches(header(config), header(clone(config)))).toEqual([]);
  });

  // every leaf of the RunConfig, limits and run-wide fields included
  it.each(leaves(config).map((l) => [show(l.path), l.path]))('refuses a resume when %s differs', (_name, p) => {
    const changed = mutate(config, p as (string | number)[]);
    const problems = resumeMismatches(header(config), header(changed));
    expect(problems.length).toBeGreaterThanOrEqual(1); // a changed contender id: the old one absent, the new one present
    for (const line of problems) expect(line).toMatch(new RegExp(`^config\\.${(p as (string | number)[])[0]}`));
  });

  it('refuses another shard or task list too', () => {
    expect(resumeMismatches(header(config, { shard: { index: 1, count: 2 } }), header(config))).toEqual(['shard: {"count":2,"index":1} → null']);
    expect(resumeMismatches(header(config), header(config, { suite: { hash: 's', instance_ids: ['t1'] } }))).toEqual(['suite.instance_ids: ["t1","t2"] → ["t1"]']);
  });

  it('refuses to merge shards of different configurations, naming the field', () => {
    const hot = mutate(config, ['contenders', 1, 'model', 'params', 'temperature']);
    const shard = (i: number, c: RunConfig) => ({ dir: `/results/s${i}`, header: header(c, { run_id: `s${i}`, shard: { index: i, count: 2 } }), attempts: [] });
    expect(() => mergeShards([shard(1, config), shard(2, hot)], 'm')).toThrow(/\/results\/s2: its configuration differs from \/results\/s1: config\.contenders\[gpt-x\]\.model\.params\.temperature: 0 → 1/);
    expect(mergeShards([shard(1, config), shard(2, clone(config))], 'm').header.config).toEqual(config);
  });

  it('compares a run.json without RunConfig on its header fields, and says so when the other has one', () => {
    const old = makeHeader({ suite: { hash: 's', instance_ids: ['t1'] } });
    expect(RunHeader.parse(JSON.parse(JSON.stringify(old))).config).toBeUndefined();
    expect(resumeMismatches(old, { ...old, limits: { ...old.limits, steps: 9 } })).toEqual(['limits.steps: 50 → 9']);
    const problems = resumeMismatches(old, { ...old, config, attempts_per_task: 2 });
    expect(problems).toEqual(['attempts_per_task: 1 → 2', `(run ${old.run_id} predates RunConfig: compared on contenders, limits, attempts and price sheet file only)`]);
  });
});

describe('legacy attempt keys', () => {
  it('are the keys fixbench wrote before RunConfig (the JSON of the plan fields in their written order)', () => {
    const limits = agentLimitsOf(config.limits);
    const old = stableHash('t1', { agent: 'bash', model: 'fake/gpt-x', base_url: 'http://127.0.0.1:9/v1', params: { temperature: 0, max_tokens: 512 }, tool_calls: true,
      limits: { steps: 40, costUsd: 0.5, wallMs: 1_200_000, commandTimeoutMs: 60_000, outputChars: 10_000, formatErrors: 3 } }, 0).slice(0, 16);
    expect(legacyAttemptKey(bashPlan, limits, 't1', 0)).toBe(old);
    expect(legacyAttemptKey({ kind: 'reference', agent: 'gold' }, limits, 't1', 0)).toBe(stableHash('t1', { agent: 'gold' }, 0).slice(0, 16));
  });
});

describe('configDiff', () => {
  it('matches arrays of objects by id, ignores their order and key order, and names absent entries', () => {
    expect(configDiff({ c: [{ id: 'a', x: 1 }, { id: 'b', x: 2 }] }, { c: [{ x: 2, id: 'b' }, { id: 'a', x: 1 }] })).toEqual([]);
    expect(configDiff({ c: [{ id: 'a', x: 1 }] }, { c: [{ id: 'a', x: 1 }, { id: 'b', x: 2 }] })).toEqual(['c[b]: (absent) → {"id":"b","x":2}']);
    expect(contenderConfigOf(goldPlan)).toEqual({ kind: 'reference', id: 'gold' });
  });
});

// attacker finding F1: values were compared as their display form, cut to 120 characters, so a
// difference past character 120 was no difference and --resume re-ran the task under the new config
describe('a difference past the 120 characters a line shows', () => {
  const header = (c: RunConfig): RunHeader => makeHeader({ suite: { hash: 's', instance_ids: ['t1', 't2'] }, config: c });
  const long = 'x'.repeat(130);
  type Model = Extract<RunConfig['contenders'][number], { kind: 'model' }>;
  const edit = (f: (bash: Model, cmd: Model) => void): RunConfig => {
    const c = clone(config);
    const models = c.contenders.filter((x): x is Model => x.kind === 'model');
    f(models[0]!, models[1]!);
    return c;
  };
  const cases: Array<[string, (b: Model, m: Model, v: string) => void, string]> = [
    ['a model param string', (b, _m, v) => { b.model.params.user = `${long}-${v}`; }, 'config.contenders[gpt-x].model.params.user'],
    ['an agent command', (_b, m, v) => { if (m.agent.kind === 'command') m.agent.command = `${long} --model ${v}`; }, 'config.contenders[gpt-x@my-cli].agent.command'],
    ['an env list', (_b, m, v) => { if (m.agent.kind === 'command') m.agent.env = [...Array.from({ length: 20 }, (_, i) => `VAR_${i}`), ...(v === 'b' ? ['EXTRA'] : [])]; }, 'config.contenders[gpt-x@my-cli].agent.env'],
    ['a stop array', (b, _m, v) => { b.model.params.stop = ['a'.repeat(118), v]; }, 'config.contenders[gpt-x].model.params.stop'],
  ];
  it.each(cases)('%s: refused by resume and merge, and the line shows where the values differ', (_name, set, field) => {
    const [a, b] = [edit((x, y) => set(x, y, 'a')), edit((x, y) => set(x, y, 'b'))];
    const lines = resumeMismatches(header(a), header(b));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`${field}: `)).toBe(true);
    const [stored, now] = lines[0]!.slice(field.length + 2).split(' → ');
    expect(stored).not.toBe(now); // the shown values differ too
    expect(stored!.length).toBeLessThanOrEqual(125);
    expect(configDiff(a, b)).toHaveLength(1);
    const shard = (i: number, c: RunConfig) => ({ dir: `/results/s${i}`, header: makeHeader({ suite: { hash: 's', instance_ids: ['t1'] }, config: c, run_id: `s${i}`, shard: { index: i, count: 2 } }), attempts: [] });
    expect(() => mergeShards([shard(1, a), shard(2, b)], 'm')).toThrow(field);
  });
});

describe('the sandbox kind', () => {
  it('is compared by resume and merge: a bwrap run does not continue under local', () => {
    const h = makeHeader({ suite: { hash: 's', instance_ids: ['t1'] }, config, sandbox: 'bwrap' });
    expect(resumeMismatches(h, { ...h, sandbox: 'local' })).toEqual(['sandbox: "bwrap" → "local"']);
    const shard = (i: number, sandbox: 'bwrap' | 'local') => ({ dir: `/results/s${i}`, header: { ...h, run_id: `s${i}`, sandbox, shard: { index: i, count: 2 } }, attempts: [] });
    expect(() => mergeShards([shard(1, 'bwrap'), shard(2, 'local')], 'm')).toThrow('sandbox: "bwrap" → "local"');
    expect(mergeShards([shard(1, 'bwrap'), shard(2, 'bwrap')], 'm').header.sandbox).toBe('bwrap');
  });
});

describe('the limits that were hard-coded (issue 17)', () => {
  it('are recorded with today\'s defaults, and a RunConfig stored without them reads as those defaults (same hash, no refusal)', () => {
    expect(config.limits).toMatchObject({ model_request_timeout_ms: 600_000, stream_idle_ms: 120_000, test_output_chars: 1_048_576, agent_output_bytes: 131_072 });
    const older = clone(config) as { limits: Record<string, unknown> };
    for (const k of ['model_request_timeout_ms', 'stream_idle_ms', 'test_output_chars', 'agent_output_bytes']) delete older.limits[k];
    const read = RunConfig.parse(older);
    expect(runConfigHash(read)).toBe(runConfigHash(config));
    const header = (c: RunConfig): RunHeader => makeHeader({ suite: { hash: 's', instance_ids: ['t1'] }, config: c });
    expect(resumeMismatches(header(read), header(config))).toEqual([]);
    expect(resumeMismatches(header(config), header({ ...config, limits: { ...config.limits, stream_idle_ms: 1 } }))).toEqual(['config.limits.stream_idle_ms: 120000 → 1']);
  });
});
