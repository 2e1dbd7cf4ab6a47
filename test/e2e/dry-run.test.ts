// Issue 19.5: `fixbench run --dry-run` prints the cost forecast before any model call, creating no run
// folder and sending the provider nothing; after a real run of the same task through the fake provider
// (real protocol), the forecast of an identical second run is within 10% of what the first one cost.
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';

let tmp: string;
let server: FakeOpenAI;
let results: string;
let reports: string;
let flags: string[];
const env = () => ({ FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-dry-run-0123456789' });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-dry-run-'));
  results = path.join(tmp, 'results');
  reports = path.join(tmp, 'reports');
  // a reply that reads a file, then one that submits: two billed calls of different sizes per attempt
  server = await startFakeOpenAI((_req, i) =>
    i % 2 === 0
      ? { ...toolCall('bash', { command: 'ls' }), usage: { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240 } }
      : { ...toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }), usage: { prompt_tokens: 1500, completion_tokens: 25, total_tokens: 1525 } },
  );
  const models = path.join(tmp, 'models.yaml');
  await writeFile(models, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
  const prices = path.join(tmp, 'prices.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
  flags = ['--task', 'js-duration-1', '--no-reference', '--models-file', models, '--prices', prices, '--results', results, '--reports', reports, '--budget-usd', 'none'];
}, 60_000);
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('run --dry-run', () => {
  it('without history: forecasts from the stated prior, calls no model, creates no results or reports folder', async () => {
    // started as `node bin/fixbench.mjs` (no npm in the environment): the hints say so
    const r = await runCli(['run', ...flags, '--dry-run'], { env: { ...env(), ...{ npm_command: undefined, npm_lifecycle_event: undefined } } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(results)).toBe(false);
    expect(existsSync(reports)).toBe(false);
    expect(r.stdout).toContain('fixbench run --dry-run: 1 task(s) × 1 contender(s) × 1 attempt(s); nothing is run');
    expect(r.stdout).toMatch(/fake-coder +1 +250k +30\.0k +40 +\$0\.74 +1 from the prior \(no history\)/);
    expect(r.stdout).toContain('assumption: a model with no stored attempt is forecast at 250k prompt + 30k output tokens per attempt');
    // the test sheet is dated 2026-04-01: more than 90 days old by now
    expect(r.stderr).toMatch(/^warning: prices dated 2026-04-01 are \d+ days old; add a newer sheet: `node \S+fixbench\.mjs models import-prices openrouter /m);
  }, 120_000);

  it('warns when the forecast exceeds --budget-usd, still running nothing (exit 0)', async () => {
    const r = await runCli(['run', ...flags, '--budget-usd', '0.10', '--dry-run'], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('WARNING: the forecast $0.74 exceeds --budget-usd $0.10');
    expect(server.requests).toHaveLength(0);
    expect(existsSync(results)).toBe(false);
  }, 120_000);

  it('after a real run of the same task, forecasts a second identical run within 10% of the first run\'s cost, with no model call', async () => {
    const first = await runCli(['run', ...flags, '--run-id', 'r1'], { env: env() });
    expect(first.exitCode, first.stderr).toBe(0);
    const calls = server.requests.length;
    expect(calls).toBeGreaterThan(0);
    const records = (await readFile(path.join(results, 'r1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const cost = records.reduce((s, a) => s + a.list_usd, 0);
    expect(cost).toBeGreaterThan(0);
    expect(first.stderr).toMatch(/^warning: prices dated 2026-04-01 are \d+ days old; add a newer sheet: /m);
    const rebuilt = await runCli(['report', 'r1', '--results', results, '--reports', reports], { env: { ...env(), ...{ npm_command: 'exec', npm_lifecycle_event: undefined } } });
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toMatch(/^warning: prices dated 2026-04-01 are \d+ days old; add a newer sheet: `npx fixbench models import-prices .*; re-price this run's report under it: `npx fixbench report r1 --prices <newer sheet> --results \S+ --reports \S+`$/m);
    const reportsBefore = await readdir(reports);

    const r = await runCli(['run', ...flags, '--dry-run', '--json'], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.requests.length).toBe(calls);
    expect(await readdir(results)).toEqual(['r1']);
    expect(await readdir(reports)).toEqual(reportsBefore);
    const f = JSON.parse(r.stdout);
    expect(f).toMatchObject({ type: 'forecast', history: { runs: 1, attempts: 1 }, usesPrior: false, contenders: [{ id: 'fake-coder', basis: { task: 1, model: 0, prior: 0 }, samples: 1 }] });
    expect(Math.abs(f.total.usd - cost) / cost).toBeLessThanOrEqual(0.1);
    expect(f.total.promptTokens).toBe(records[0].usage.input_uncached + records[0].usage.cache_read);

    // re-priced from the stored tokens at the sheet given, never the stored USD: double prices, double forecast
    const doubled = path.join(tmp, 'prices-doubled.yaml');
    await writeFile(doubled, 'as_of: "2026-05-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "4.00", output: "16.00" }\n');
    const at = flags.indexOf('--prices');
    const again = await runCli(['run', ...flags.slice(0, at + 1), doubled, ...flags.slice(at + 2), '--dry-run', '--json'], { env: env() });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).total.usd).toBeCloseTo(2 * f.total.usd, 12);
  }, 300_000);

  it('forecasts a model --models names even when its key is not set, saying a real run would refuse it', async () => {
    const r = await runCli(['run', ...flags, '--models', 'fake-coder', '--dry-run'], { env: { FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache') } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fake-coder +1 /);
    expect(r.stderr).toContain('note: FAKE_PROVIDER_API_KEY not set (1 model: fake-coder): the forecast counts it (a dry run calls nothing); a real run would skip it (or refuse, when --models names it)');
  }, 120_000);

  it('without --models and with no key set, still forecasts every model (a dry run needs no key), noting the unset variable', async () => {
    const at = flags.indexOf('--no-reference');
    const r = await runCli(['run', ...flags.slice(0, at), ...flags.slice(at + 1), '--dry-run'], { env: { FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache') } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gold +1 /);
    expect(r.stdout).toMatch(/fake-coder +1 +\S+ +\S+ +\S+ +\$\d/);
    expect(r.stdout).toContain('1 task(s) × 3 contender(s)');
    expect(r.stderr).not.toContain('skipped');
    expect(r.stderr).toContain('note: FAKE_PROVIDER_API_KEY not set (1 model: fake-coder): the forecast counts it (a dry run calls nothing)');
  }, 120_000);

  it('a local model priced "0" on an old sheet: no staleness warning (free rows do not age)', async () => {
    const free = path.join(tmp, 'free-prices.yaml');
    await writeFile(free, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "0", output: "0", source: local server }\n');
    const at = flags.indexOf('--prices');
    const r = await runCli(['run', ...flags.slice(0, at + 1), free, ...flags.slice(at + 2), '--dry-run'], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fake-coder +1 /);
    expect(r.stderr).not.toContain('days old');
  }, 120_000);

  it('a model with no row in the price sheet: the dry run refuses it as the run does (exit 2), naming --prices and the fake provider\'s sheet (newcomer16 #8)', async () => {
    const other = path.join(tmp, 'other-prices.yaml');
    await writeFile(other, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  someone-else: { input: "1", output: "1" }\n');
    const at = flags.indexOf('--prices');
    const args = [...flags.slice(0, at + 1), other, ...flags.slice(at + 2)];
    const calls = server.requests.length;
    const dry = await runCli(['run', ...args, '--dry-run'], { env: env() });
    const real = await runCli(['run', ...args], { env: env() });
    for (const r of [dry, real]) {
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${other}: models: no row "fake-coder" for model fake-coder; add the row, or "fake-coder: null" for an unknown price`);
      expect(r.stderr).toMatch(/fix: or pass --prices <file>, a price sheet with that row \(the fake provider's: --prices \S*examples\/fake-provider\/prices\.yaml\)/);
    }
    expect(dry.stdout).not.toContain('forecast');
    expect(server.requests).toHaveLength(calls);
  }, 120_000);

  it('refuses --dry-run with --resume (exit 2, the fix named)', async () => {
    const r = await runCli(['run', '--resume', 'r1', '--results', results, '--dry-run'], { env: env() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--dry-run forecasts a new run; it does not combine with --resume');
  }, 120_000);

  it('forecasts a live cascade and a step route from their models\' history, stating the basis, with no model call', async () => {
    // fake-coder has one stored attempt (r1, unresolved); fake-strong none
    const layered = path.join(tmp, 'models-layered.yaml');
    const entry = (id: string) => `  - { id: ${id}, provider: fake, api: openai-chat, base_url: ${server.baseURL}, api_key_env: FAKE_PROVIDER_API_KEY, model: fake/${id}, vendor: Fake Labs, region: US }\n`;
    await writeFile(layered, `models:\n${entry('fake-coder')}${entry('fake-strong')}routes:\n  - { id: coder-first-2, policy: first-k, k: 2, cheap: fake-coder, strong: fake-strong }\n`);
    const prices = path.join(tmp, 'prices-layered.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n  fake-strong: { input: "20.00", output: "80.00" }\n');
    const calls = server.requests.length;
    const args = ['run', '--task', 'js-duration-1', '--no-reference', '--models-file', layered, '--prices', prices, '--results', results, '--reports', reports, '--budget-usd', 'none', '--models', 'fake-coder,coder-first-2', '--cascade', 'fake-coder,fake-strong', '--dry-run'];
    const r = await runCli(args, { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(server.requests.length).toBe(calls);
    expect(await readdir(results)).toEqual(['r1']);
    expect(r.stdout).toMatch(/cascade:fake-coder>fake-strong +1 .*1 from its stage models' history/);
    expect(r.stdout).toMatch(/coder-first-2 +1 .*1 from its two models' history/);
    expect(r.stdout).toContain("assumption: cascade:fake-coder>fake-strong: no stored attempt of this cascade: fake-coder always runs; fake-strong on 100% of attempts (fake-coder left 1 of 1 stored attempt(s) unresolved (taken as its escalation share))");
    expect(r.stdout).toContain('assumption: coder-first-2: no stored attempt of this route: a mix of fake-coder and fake-strong per attempt, fake-strong on the steps after 2 of the ~');
    expect(r.stdout).toContain('assumption: a model with no stored attempt is forecast at 250k prompt');

    const json = JSON.parse((await runCli([...args, '--json'], { env: env() })).stdout);
    const byId = Object.fromEntries(json.contenders.map((c: { id: string }) => [c.id, c]));
    const single = byId['fake-coder'];
    const cascade = byId['cascade:fake-coder>fake-strong'];
    // the cascade costs fake-coder's attempt plus a prior-based fake-strong attempt (escalation share 1)
    expect(cascade.basis).toEqual({ task: 0, model: 0, prior: 0, parts: 1 });
    expect(cascade.usd).toBeCloseTo(single.usd + (250_000 * 20 + 30_000 * 80) / 1e6, 9);
    expect(byId['coder-first-2'].basis.parts).toBe(1);
    expect(byId['coder-first-2'].usd).toBeGreaterThan(single.usd);
    expect(server.requests.length).toBe(calls);
  }, 120_000);
});
