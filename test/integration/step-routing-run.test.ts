// Step routing and routers through the real CLI and pipeline, the models served by the fake provider
// on 127.0.0.1 in both protocols: every call is billed at the price of the model that answered it,
// the record and the report show the mix, and a served model missing from the sheet is an unknown
// cost, named in a warning and in the report.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startFakeProvider, toolCall, type FakeProvider, type FakeReply } from '../helpers/fake-provider.ts';
import type { AttemptRecord, RunHeader } from '../../src/store/records.ts';

const TASK = 'js-duration-1';
const CHEAP_KEY = 'sk-cheap-secret-0123456789';
const STRONG_KEY = 'sk-strong-secret-9876543210';
let tmp: string;
let server: FakeProvider | undefined;
let gold: string;

beforeAll(async () => {
  gold = await readFile(path.join(ROOT, 'tasks', TASK, 'gold.patch'), 'utf8');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(tmp, { recursive: true, force: true });
});

/** Runs `fixbench run --models <ids>` on TASK against the fake provider; returns records, header, trajectory and report. */
async function run(script: FakeReply[], models: string, extraYaml: (s: FakeProvider) => string[], extraArgs: string[] = []) {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-route-'));
  server = await startFakeProvider(script);
  const modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(
    modelsFile,
    [
      'models:',
      `  - { id: cheap, provider: fake, api: openai, base_url: "${server.baseURL}", api_key_env: FAKE_CHEAP_KEY, model: fake/cheap-1, vendor: Fake, region: US }`,
      `  - { id: strong, provider: fake, api: anthropic, base_url: "${server.rootURL}", api_key_env: FAKE_STRONG_KEY, model: claude-strong-1, vendor: Fake, region: EU }`,
      ...extraYaml(server),
      '',
    ].join('\n'),
  );
  // USD per million tokens
  const prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  cheap: { input: "1.00", output: "2.00" }\n  strong: { input: "10.00", output: "50.00" }\n');
  const results = path.join(tmp, 'results');
  const r = await runCli(
    ['run', '--task', TASK, '--no-reference', '--models-file', modelsFile, '--prices', prices, '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'route-run', '--concurrency', '1', '--models', models, ...extraArgs],
    { env: { FAKE_CHEAP_KEY: CHEAP_KEY, FAKE_STRONG_KEY: STRONG_KEY } },
  );
  const dir = path.join(results, 'route-run');
  const records = (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AttemptRecord);
  const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8').catch(() => 'null')) as RunHeader;
  const traj = JSON.parse(await readFile(path.join(dir, 'trajectories', models, TASK, '0.json'), 'utf8').catch(() => 'null'));
  const html = await readFile(path.join(tmp, 'reports', 'route-run', 'index.html'), 'utf8').catch(() => '');
  const files = [await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => ''), JSON.stringify(traj), html, r.stdout, r.stderr].join('\n');
  const resume = () =>
    runCli(['run', '--resume', 'route-run', '--results', results, '--models-file', modelsFile, '--reports', path.join(tmp, 'reports')], { env: { FAKE_CHEAP_KEY: CHEAP_KEY, FAKE_STRONG_KEY: STRONG_KEY } });
  return { ...r, records, header, traj, html, files, resume };
}

const applyGold = () => `git apply - <<'FIXBENCH_PATCH_EOF'\n${gold}FIXBENCH_PATCH_EOF`;
const bash = (command: string, usage: Record<string, unknown>, model?: string): FakeReply => toolCall('bash', { command }, { usage, ...(model ? { model } : {}) });

describe('step routing, end to end', () => {
  it('on-failure: cheap, then strong after the failed command, then cheap again; each call billed at its own model’s price', async () => {
    // cheap (OpenAI): 1 000 in, 100 out → (1 000·1 + 100·2) / 1e6 = 0.0012; then 2 000 in, 10 out → (2 000 + 20) / 1e6 = 0.00202
    // strong (Anthropic): 1 500 in, 200 out → (1 500·10 + 200·50) / 1e6 = 0.025
    const { records, header, traj, html, files, exitCode, stderr, resume } = await run(
      [
        bash('exit 3', { prompt_tokens: 1000, completion_tokens: 100 }),
        bash(applyGold(), { input_tokens: 1500, output_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }),
        bash('echo FIXBENCH_SUBMIT', { prompt_tokens: 2000, completion_tokens: 10 }),
      ],
      'cheap-then-strong',
      () => ['routes:', '  - { id: cheap-then-strong, policy: on-failure, cheap: cheap, strong: strong }'],
    );
    expect(exitCode, stderr).toBe(0);
    expect(server!.requests.map((r) => [r.path, r.body.model])).toEqual([
      ['/v1/chat/completions', 'fake/cheap-1'],
      ['/v1/messages', 'claude-strong-1'],
      ['/v1/chat/completions', 'fake/cheap-1'],
    ]);
    // each request carried its own model's key
    expect(server!.requests[0]!.headers.authorization).toBe(`Bearer ${CHEAP_KEY}`);
    expect(server!.requests[1]!.headers.authorization).toBe(`Bearer ${STRONG_KEY}`);
    const calls = traj.steps.map((s: { call: { model: string; list_usd: number; price_key: string } }) => s.call);
    expect(calls.map((c: { model: string; price_key: string }) => [c.model, c.price_key])).toEqual([['cheap', 'cheap'], ['strong', 'strong'], ['cheap', 'cheap']]);
    expect(calls[0].list_usd).toBeCloseTo(0.0012, 12);
    expect(calls[1].list_usd).toBeCloseTo(0.025, 12);
    expect(calls[2].list_usd).toBeCloseTo(0.00202, 12);

    const rec = records[0]!;
    expect(rec.contender).toBe('cheap-then-strong');
    expect(rec.outcome).toBe('resolved');
    expect(rec.list_usd).toBeCloseTo(0.02822, 12);
    expect(rec.model_mix!.map((m) => [m.model, m.calls, m.price_key])).toEqual([['cheap', 2, 'cheap'], ['strong', 1, 'strong']]);
    expect(rec.model_mix![0]!.list_usd).toBeCloseTo(0.00322, 12);
    expect(rec.model_mix![1]!.list_usd).toBeCloseTo(0.025, 12);

    // the RunConfig holds the route (so config_hash covers it); the contender row names the policy
    const entry = header.config!.contenders.find((c) => c.id === 'cheap-then-strong');
    expect(entry).toMatchObject({ kind: 'model', route: { policy: 'on-failure', cheap: { id: 'cheap' }, strong: { id: 'strong' } } });
    expect(header.contenders.find((c) => c.id === 'cheap-then-strong')!.name).toBe('route: cheap; strong after a failed command');
    expect(html).toContain('id="model-mix"');
    expect(html).toMatch(/<td class="mono">strong<\/td><td class="num">1<\/td><td class="num">33\.3%<\/td>/);
    const page = await readFile(path.join(tmp, 'reports', 'route-run', 'attempts', '0', '0.html'), 'utf8');
    expect(page).toMatch(/models that answered.*cheap: 2 call\(s\), \$0\.00322; strong: 1 call\(s\), \$0\.025</s);
    expect(page).toContain('strong · 1.50k in');
    // neither key reaches a record, trajectory, report or the output
    expect(files).not.toContain(CHEAP_KEY);
    expect(files).not.toContain(STRONG_KEY);

    // a resume rebuilds the same RunConfig (the route, not its strong model) and has nothing left to run
    const again = await resume();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(server!.requests).toHaveLength(3);
  });
});

describe('a router entry, end to end', () => {
  it('replies naming a catalog model and an unknown one: the first is priced, the second is an unknown cost, named in a warning and the report', async () => {
    const { records, traj, html, exitCode, stderr } = await run(
      [bash(applyGold(), { prompt_tokens: 1000, completion_tokens: 100 }, 'fake/cheap-1'), bash('echo FIXBENCH_SUBMIT', { prompt_tokens: 2000, completion_tokens: 10 }, 'mystery/model-x')],
      'auto',
      (s) => [`  - { id: auto, provider: fake, api: openai, base_url: "${s.baseURL}", api_key_env: FAKE_CHEAP_KEY, model: fake/auto, vendor: Fake, region: US, router: true }`],
    );
    expect(exitCode, stderr).toBe(0);
    expect(server!.requests.map((r) => r.body.model)).toEqual(['fake/auto', 'fake/auto']);
    expect(traj.steps[0].call).toMatchObject({ served_model: 'fake/cheap-1', price_key: 'cheap' });
    expect(traj.steps[0].call.list_usd).toBeCloseTo(0.0012, 12);
    expect(traj.steps[1].call).toMatchObject({ served_model: 'mystery/model-x', price_key: null, list_usd: null });
    const rec = records[0]!;
    expect(rec.outcome).toBe('resolved');
    expect(rec.list_usd).toBeNull(); // unknown, never $0.0012
    expect(rec.model_mix!.map((m) => [m.model, m.calls, m.price_key, m.list_usd === null])).toEqual([['fake/cheap-1', 1, 'cheap', false], ['mystery/model-x', 1, null, true]]);
    expect(stderr).toMatch(/WARNING: auto: 1 call\(s\) served by mystery\/model-x, which has no price in the sheet: their cost is unknown/);
    expect(html).toMatch(/Unknown cost:<\/strong> served model\(s\) not in the price sheet: <code>mystery\/model-x<\/code>/);
  });
});

describe('unknown-cost calls against the caps (the ceiling of the sheet)', () => {
  // a router whose replies name a model missing from the sheet: each call's cost is unknown, and is
  // counted against the caps at the sheet's dearest rates (input 10, output 50 USD per million
  // tokens: strong's): 1 000 000 in + 0 out → $10 per call
  const dear = (): FakeReply => bash('echo working', { prompt_tokens: 1_000_000, completion_tokens: 0 }, 'mystery/model-x');
  const router = (s: FakeProvider) => [`  - { id: auto, provider: fake, api: openai, base_url: "${s.baseURL}", api_key_env: FAKE_CHEAP_KEY, model: fake/auto, vendor: Fake, region: US, router: true }`];

  it('--attempt-usd stops an attempt whose calls name an unpriced model; list_usd stays null', async () => {
    const { records, traj, exitCode, stderr } = await run(Array.from({ length: 8 }, dear), 'auto', router, ['--attempt-usd', '15', '--budget-usd', 'none']);
    expect(exitCode, stderr).toBe(0);
    // $10 at the ceiling is no bound (the served model has no row, the reply states no cost): the cap
    // cannot be enforced, so the attempt stops after that call (it used to run on to $20 ≥ $15).
    expect(server!.requests).toHaveLength(1);
    const rec = records[0]!;
    expect(rec.exit_status).toBe('cost_limit');
    expect(rec.limit).toMatchObject({ kind: 'attempt_usd', value: 15 });
    expect(rec.list_usd).toBeNull();
    expect(traj.steps[0].call).toMatchObject({ list_usd: null, price_key: null });
    expect(traj.steps[0].call.cap_usd).toBeCloseTo(10, 9);
  });

  it('the run budget counts them at the ceiling too, and the run note says so', async () => {
    const { header, exitCode, stderr } = await run(Array.from({ length: 8 }, dear), 'auto', router, ['--attempt-usd', 'none', '--budget-usd', '25']);
    expect(exitCode, stderr).toBe(0);
    expect(server!.requests).toHaveLength(3); // $30 ≥ $25 after the third call: no fourth
    expect(header.status).toBe('budget_exhausted');
    expect(header.note).toMatch(/3 model call\(s\) had an unknown cost .* and were counted against the caps at their bound \(\$30\.0000/);
  });
});
