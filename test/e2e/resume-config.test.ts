// Issue 17.1: `--resume` under a different configuration is refused (exit 2) naming the field, for a
// change in models.yaml, the price sheet or a limit flag — it used to run the task again under the new
// config and exit 0, leaving two records. A run.json written before RunConfig still resumes and reports.
import { cp, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { stableHash } from '../../src/core/ids.ts';

let tmp: string;
let server: FakeOpenAI;
let results: string;
const env = () => ({ FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-resume-0123456789', OTHER_KEY: 'sk-other-0123456789' });
/** models.yaml with one model; `extra` lines are appended to its entry. */
const models = (over: { model?: string; base_url?: string; api_key_env?: string; params?: string; extra?: string } = {}) =>
  `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${over.base_url ?? server.baseURL}\n    api_key_env: ${over.api_key_env ?? 'FAKE_PROVIDER_API_KEY'}\n` +
  `    model: ${over.model ?? 'fake/coder-1'}\n    vendor: Fake Labs\n    region: US\n    params: ${over.params ?? '{ temperature: 0, top_p: 1 }'}\n${over.extra ?? ''}`;
const sheet = (input = '2.00') => `as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "${input}", output: "8.00" }\n`;
let n = 0;
async function file(name: string, text: string): Promise<string> {
  const f = path.join(tmp, `${n++}-${name}`);
  await writeFile(f, text);
  return f;
}
const records = async (run: string) => (await readFile(path.join(results, run, 'attempts.jsonl'), 'utf8')).trim().split('\n').filter(Boolean);
const resume = (run: string, args: string[]) => runCli(['run', '--resume', run, '--results', results, '--reports', path.join(tmp, 'reports'), ...args], { env: env() });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-resume-config-'));
  results = path.join(tmp, 'results');
  server = await startFakeOpenAI(() => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }));
  const modelsFile = await file('models.yaml', models());
  const prices = await file('prices.yaml', sheet());
  const r = await runCli(['run', '--task', 'js-duration-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--run-id', 'r1',
    '--results', results, '--reports', path.join(tmp, 'reports'), '--budget-usd', 'none'], { env: env() });
  expect(r.exitCode, r.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('run --resume under another configuration', () => {
  it('stores the RunConfig verbatim in run.json, with each contender\'s config_hash and no API key', async () => {
    const text = await readFile(path.join(results, 'r1', 'run.json'), 'utf8');
    const h = JSON.parse(text);
    expect(h.config.contenders[0]).toMatchObject({ id: 'fake-coder', model: { params: { temperature: 0, top_p: 1 }, api_key_env: 'FAKE_PROVIDER_API_KEY' }, agent: { kind: 'bash' } });
    expect(h.contenders[0].config_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(text).not.toContain('sk-fake-resume');
    expect(await records('r1')).toHaveLength(1);
  });

  it('refuses a changed temperature in models.yaml with exit 2, naming the field, and runs nothing (it used to re-run the task)', async () => {
    const before = server.requests.length;
    const r = await resume('r1', ['--models-file', await file('m.yaml', models({ params: '{ temperature: 1, top_p: 1 }' }))]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('--resume r1: cannot resume');
    expect(r.stderr.split('\n').filter((l) => /^  \S.*→/.test(l))).toEqual(['  config.contenders[fake-coder].model.params.temperature: 0 → 1']);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests.length).toBe(before);
    expect(await records('r1')).toHaveLength(1);
  }, 120_000);

  // Table over fields, two resumes: every models.yaml field and the price row changed at once, then
  // every limit flag at once; each field is named on its own line (the unit tests cover every RunConfig leaf alone).
  const modelRows: Array<[string, string]> = [
    ['a new param', 'config.contenders[fake-coder].model.params.seed: (absent) → 7'],
    ['upstream model', 'config.contenders[fake-coder].model.upstream: "fake/coder-1" → "fake/coder-2"'],
    ['base_url', 'config.contenders[fake-coder].model.base_url: '],
    ['api_key_env', 'config.contenders[fake-coder].model.api_key_env: "FAKE_PROVIDER_API_KEY" → "OTHER_KEY"'],
    ['tool_calls', 'config.contenders[fake-coder].model.tool_calls: true → false'],
    ['stream', 'config.contenders[fake-coder].model.stream: false → true'],
    ['cache_control', 'config.contenders[fake-coder].model.cache_control: false → true'],
    ['price row', 'config.contenders[fake-coder].model.price.input: "2.00" → "3.00"'],
    ['price sheet file', 'config.price_sheet.file: '],
  ];
  const limitRows: Array<[string, string[], string]> = [
    ['--steps', ['--steps', '41'], 'config.limits.steps: 40 → 41 (--steps)'],
    ['--attempt-usd', ['--attempt-usd', '1'], 'config.limits.attempt_usd: 0.5 → 1 (--attempt-usd)'],
    ['--command-timeout', ['--command-timeout', '61'], 'config.limits.command_timeout_ms: 60000 → 61000 (--command-timeout)'],
    ['--attempt-timeout', ['--attempt-timeout', '1300'], 'config.limits.wall_ms: 1200000 → 1300000 (--attempt-timeout)'],
    ['--rerun-failed', ['--rerun-failed', '1'], 'config.rerun_failed: 0 → 1 (--rerun-failed)'],
    ['--budget-usd', ['--budget-usd', '5'], 'config.run_budget.usd: null → 5 (--budget-usd)'],
    ['--budget-tokens', ['--budget-tokens', '1000'], 'config.run_budget.tokens: null → 1000 (--budget-tokens)'],
    ['--attempts', ['--attempts', '2'], 'config.attempts_per_task: 1 → 2 (--attempts)'],
    ['--task', ['--task', 'js-duration-1,js-ini-1'], 'suite.instance_ids: ["js-duration-1"] → ["js-duration-1","js-ini-1"] (--task)'],
  ];
  let modelRefusal: { exitCode: number; stderr: string };
  let limitRefusal: { exitCode: number; stderr: string };
  let requestsBefore = 0;
  beforeAll(async () => {
    requestsBefore = server.requests.length;
    const changed = models({ params: '{ temperature: 0, top_p: 1, seed: 7 }', model: 'fake/coder-2', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'OTHER_KEY', extra: '    tool_calls: false\n    stream: true\n    cache_control: true\n' });
    modelRefusal = await resume('r1', ['--models-file', await file('m.yaml', changed), '--prices', await file('p.yaml', sheet('3.00'))]);
    limitRefusal = await resume('r1', ['--models-file', await file('m.yaml', models()), ...limitRows.flatMap((r) => r[1])]);
  }, 240_000);
  it.each(modelRows)('refuses a changed %s in models.yaml or the price sheet, naming the field', (_name, field) => {
    expect(modelRefusal.exitCode, modelRefusal.stderr).toBe(2);
    expect(modelRefusal.stderr).toContain(field);
  });
  it.each(limitRows)('refuses a changed %s, naming the field and the flag', (_name, _args, field) => {
    expect(limitRefusal.exitCode, limitRefusal.stderr).toBe(2);
    expect(limitRefusal.stderr).toContain(field);
  });
  it('ran nothing and recorded nothing for any refused resume', async () => {
    expect(server.requests.length).toBe(requestsBefore);
    expect(await records('r1')).toHaveLength(1);
  });

  // attacker finding F1: a difference past the 120 characters a refusal line shows used to be no
  // difference: the resume billed a second call, wrote a second record and overwrote run.json's config
  it('refuses a model param that differs only past character 120: exit 2, no model call, one record, run.json unchanged', async () => {
    const long = 'a'.repeat(130);
    const r = await runCli(['run', '--task', 'js-duration-1', '--no-reference', '--models-file', await file('m.yaml', models({ params: `{ temperature: 0, user: "${long}-v1" }` })),
      '--prices', await file('p.yaml', sheet()), '--run-id', 'r-long', '--results', results, '--reports', path.join(tmp, 'reports'), '--budget-usd', 'none'], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    const header = await readFile(path.join(results, 'r-long', 'run.json'), 'utf8');
    const before = server.requests.length;
    const refused = await resume('r-long', ['--models-file', await file('m.yaml', models({ params: `{ temperature: 0, user: "${long}-v2" }` }))]);
    expect(refused.exitCode, refused.stderr).toBe(2);
    const line = refused.stderr.split('\n').find((l) => l.startsWith('  config.contenders[fake-coder].model.params.user: '));
    expect(line, refused.stderr).toMatch(/-v1" → .*-v2"$/);
    expect(server.requests.length).toBe(before);
    expect(await records('r-long')).toHaveLength(1);
    expect(await readFile(path.join(results, 'r-long', 'run.json'), 'utf8')).toBe(header);
  }, 240_000);

  it('refuses a resume under another --sandbox kind, naming the field and the flag', async () => {
    const stored = JSON.parse(await readFile(path.join(results, 'r1', 'run.json'), 'utf8')).sandbox as string;
    const other = stored === 'bwrap' ? 'local' : 'bwrap';
    const before = server.requests.length;
    const r = await resume('r1', ['--models-file', await file('m.yaml', models()), '--sandbox', other]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(`  sandbox: "${stored}" → "${other}" (--sandbox)`);
    expect(server.requests.length).toBe(before);
    expect(await records('r1')).toHaveLength(1);
  }, 120_000);

  it('resumes the same configuration written in another key order: nothing runs again, exit 0', async () => {
    const before = server.requests.length;
    const reordered = (await file('m.yaml', models({ params: '{ top_p: 1, temperature: 0 }' })));
    const r = await resume('r1', ['--models-file', reordered]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(await records('r1')).toHaveLength(1);
  }, 120_000);

  it("without the model's key: exit 2 naming the run's models and the key to export, not a --models the user never gave", async () => {
    const r = await runCli(['run', '--resume', 'r1', '--results', results, '--reports', path.join(tmp, 'reports'), '--models-file', await file('m.yaml', models())], { env: { ...env(), FAKE_PROVIDER_API_KEY: undefined } });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain("--resume r1: the run's models fake-coder need FAKE_PROVIDER_API_KEY, which is not set; export it, then resume again");
    expect(r.stderr).not.toContain('--models asks for');
    expect(await records('r1')).toHaveLength(1);
  }, 120_000);
});

describe('a run.json written before RunConfig', () => {
  it('still resumes under its own attempt keys (nothing runs again) and reports; a changed limit is refused, saying the run predates RunConfig', async () => {
    // r0: r1 as the previous fixbench wrote it — no config, no config_hash, the old attempt key
    await cp(path.join(results, 'r1'), path.join(results, 'r0'), { recursive: true });
    const header = JSON.parse(await readFile(path.join(results, 'r1', 'run.json'), 'utf8'));
    delete header.config;
    header.run_id = 'r0';
    for (const c of header.contenders) delete c.config_hash;
    await writeFile(path.join(results, 'r0', 'run.json'), JSON.stringify(header));
    const limits = { steps: 40, costUsd: 0.5, wallMs: 1_200_000, commandTimeoutMs: 60_000, outputChars: 10_000, formatErrors: 3 };
    const oldKey = stableHash('js-duration-1', { agent: 'bash', model: 'fake/coder-1', base_url: server.baseURL, params: { temperature: 0, top_p: 1 }, tool_calls: true, limits }, 0).slice(0, 16);
    const rec = JSON.parse((await records('r1'))[0]!);
    await writeFile(path.join(results, 'r0', 'attempts.jsonl'), JSON.stringify({ ...rec, run_id: 'r0', key: oldKey }) + '\n');
    const modelsFile = await file('m.yaml', models());

    const before = server.requests.length;
    const r = await resume('r0', ['--models-file', modelsFile]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(await records('r0')).toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(results, 'r0', 'run.json'), 'utf8')).config).toBeUndefined(); // it keeps its old keys

    const refused = await resume('r0', ['--models-file', modelsFile, '--steps', '50']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('limits.steps: 40 → 50 (--steps)');
    expect(refused.stderr).toContain('predates RunConfig');

    const report = await runCli(['report', 'r0', '--results', results, '--reports', path.join(tmp, 'reports')]);
    expect(report.exitCode, report.stderr).toBe(0);
    const history = await runCli(['history', '--results', results]);
    expect(history.exitCode, history.stderr).toBe(0);
    expect(history.stdout).toContain('(run predates RunConfig)');
  }, 300_000);
});
