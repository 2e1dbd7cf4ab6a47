// Live cascade contenders (`run --cascade cheap,strong`) through the real CLI and pipeline, both
// models served by the fake provider on 127.0.0.1 (real protocol, told apart by the request's
// `model`): escalation after a stage without a fix, a passing first stage that never calls the
// strong model, a visible check that fails on broken PASS_TO_PASS tests, and exact costs.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startFakeProvider, toolCall, type FakeProvider, type FakeReply } from '../helpers/fake-provider.ts';
import type { AttemptRecord, RunHeader } from '../../src/store/records.ts';

const TASK = 'js-duration-1';
const KEY = 'sk-test-cascade-secret-0123456789';
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

// USD per million tokens: cheap 1.00 in / 2.00 out; strong 10.00 in / 40.00 out.
const PRICES = 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  cheap: { input: "1.00", output: "2.00" }\n  strong: { input: "10.00", output: "40.00" }\n';
const model = (id: string) => [`  - id: ${id}`, '    provider: fake', '    api: openai-chat', `    base_url: ${server!.baseURL}`, '    api_key_env: FAKE_PROVIDER_API_KEY', `    model: fake/${id}-1`, '    vendor: Fake Labs', '    region: US', '    stream: false', '    tool_calls: true'];

/** Runs `fixbench run` on TASK with the cheap and strong fake models, each answering from its own script. */
async function run(scripts: { cheap: FakeReply[]; strong: FakeReply[] }, args: string[]) {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cascade-'));
  const served = { cheap: 0, strong: 0 };
  server = await startFakeProvider((req) => {
    const who = req.body?.model === 'fake/strong-1' ? 'strong' : 'cheap';
    return scripts[who][served[who]++];
  });
  const modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(modelsFile, ['models:', ...model('cheap'), ...model('strong'), ...model('auto'), '    router: true', ''].join('\n'));
  const prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, `${PRICES}  auto: { input: "0", output: "0" }\n`);
  const resultsDir = path.join(tmp, 'results');
  const r = await runCli(
    ['run', '--task', TASK, '--no-reference', '--models-file', modelsFile, '--prices', prices, '--results', resultsDir, '--reports', path.join(tmp, 'reports'), '--run-id', 'cascade-run', '--concurrency', '1', ...args],
    { env: { FAKE_PROVIDER_API_KEY: KEY } },
  );
  const dir = path.join(resultsDir, 'cascade-run');
  const lines = (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8').catch(() => 'null')) as RunHeader;
  const requests = (id: string) => server!.requests.filter((q) => q.body?.model === `fake/${id}-1`).length;
  return { ...r, records: lines.map((l) => JSON.parse(l) as AttemptRecord), header, dir, requests };
}

const bash = (command: string, usage: Record<string, unknown>): FakeReply => toolCall('bash', { command }, { usage });
const applyGold = () => `git apply - <<'FIXBENCH_PATCH_EOF'\n${gold}FIXBENCH_PATCH_EOF`;
const SUBMIT = 'echo FIXBENCH_SUBMIT';
const U = { prompt_tokens: 1000, completion_tokens: 100 };
// per call: cheap (1000·1 + 100·2)/1e6 = 0.0012; strong (1000·10 + 100·40)/1e6 = 0.014
const CHEAP_CALL = 0.0012;
const STRONG_CALL = 0.014;

describe('live cascade contenders', () => {
  it('a cheap stage that submits without a fix escalates; the strong stage fixes the task: resolved, costing exactly both stages\' calls', async () => {
    const { records, header, exitCode, stderr, requests, dir } = await run(
      { cheap: [bash('ls', U), bash(SUBMIT, U)], strong: [bash(applyGold(), U), bash(SUBMIT, U)] },
      ['--no-models', '--cascade', 'cheap,strong'],
    );
    expect(exitCode, stderr).toBe(0);
    expect(header.contenders.map((c) => c.id)).toEqual(['cascade:cheap>strong']);
    expect(header.contenders[0]!.cascade).toMatchObject({ signal: 'visible', mode: 'fresh', stages: [{ contender: 'cheap' }, { contender: 'strong' }] });
    expect(header.config!.contenders[0]).toMatchObject({ kind: 'cascade', id: 'cascade:cheap>strong' });
    const [rec] = records;
    expect(rec!.contender).toBe('cascade:cheap>strong');
    expect(rec!.outcome).toBe('resolved');
    expect(requests('cheap')).toBe(2);
    expect(requests('strong')).toBe(2);
    expect(rec!.calls).toBe(4);
    expect(rec!.list_usd).toBeCloseTo(2 * CHEAP_CALL + 2 * STRONG_CALL, 12);
    expect(rec!.usage.input_uncached).toBe(4000);
    const [s1, s2] = rec!.stages!;
    expect(s1).toMatchObject({ contender: 'cheap', model: 'cheap', exit_status: 'submitted', passed: false, reason: 'submitted without a change (empty patch)', calls: 2, patch_chars: 0 });
    expect(s1!.list_usd).toBeCloseTo(2 * CHEAP_CALL, 12);
    expect(s2).toMatchObject({ contender: 'strong', passed: null, calls: 2 });
    expect(s2!.list_usd).toBeCloseTo(2 * STRONG_CALL, 12);
    // each stage's trajectory is stored, and the last stage's is the attempt's
    for (const s of [s1!, s2!]) expect(existsSync(path.join(dir, s.trajectory!))).toBe(true);
    const main = JSON.parse(await readFile(path.join(dir, 'trajectories', 'cascade:cheap>strong', TASK, '0.json'), 'utf8'));
    expect(main.model).toBe('strong');
    expect(JSON.stringify(records)).not.toContain(KEY);
  });

  it('a cascade whose cheap stage passes the visible check never calls the strong model', async () => {
    const { records, exitCode, stderr, requests } = await run({ cheap: [bash(applyGold(), U), bash(SUBMIT, U)], strong: [] }, ['--no-models', '--cascade', 'cheap,strong']);
    expect(exitCode, stderr).toBe(0);
    expect(requests('strong')).toBe(0);
    const [rec] = records;
    expect(rec!.outcome).toBe('resolved');
    expect(rec!.stages).toHaveLength(1);
    expect(rec!.stages![0]).toMatchObject({ contender: 'cheap', passed: true });
    expect(rec!.stages![0]!.reason).toBe('visible check passed: the patch applies and the 30 visible PASS_TO_PASS test(s) pass; 1 listed PASS_TO_PASS test(s) are not in the visible suite (the hidden test.patch adds them) and were not checked');
    expect(rec!.list_usd).toBeCloseTo(2 * CHEAP_CALL, 12);
  });

  it('a cheap patch that breaks PASS_TO_PASS tests fails the visible check and escalates; beside it the single models run as usual', async () => {
    const breakIt = bash("echo 'module.exports = {};' > src/parse.js", U);
    const { records, exitCode, stderr, requests } = await run(
      // the single models run first in task order: cheap alone, strong alone, then the cascade
      { cheap: [breakIt, bash(SUBMIT, U), breakIt, bash(SUBMIT, U)], strong: [bash(applyGold(), U), bash(SUBMIT, U), bash(applyGold(), U), bash(SUBMIT, U)] },
      ['--models', 'cheap,strong', '--cascade', 'cheap,strong'],
    );
    expect(exitCode, stderr).toBe(0);
    expect(requests('cheap')).toBe(4);
    expect(requests('strong')).toBe(4);
    const rec = records.find((r) => r.contender === 'cascade:cheap>strong')!;
    expect(rec.outcome).toBe('resolved');
    expect(rec.stages![0]!.passed).toBe(false);
    expect(rec.stages![0]!.reason).toMatch(/^visible check failed: \d+ of 30 visible PASS_TO_PASS test\(s\) failed/);
    expect(rec.stages![0]!.check_ms).toBeGreaterThan(0);
    expect(records.find((r) => r.contender === 'cheap')!.outcome).not.toBe('resolved');
    // the report shows the live cascade beside its simulation (both resolve the one task), with intervals,
    // and the attempt page lists each stage's spend
    const html = await readFile(path.join(tmp, 'reports', 'cascade-run', 'index.html'), 'utf8');
    const live = html.slice(html.indexOf('id="live-cascade-table"'));
    expect(live).toMatch(/cheap → strong[\s\S]*<td>live<\/td><td class="num">1\/1<\/td><td class="num">100\.0%<div class="parts">20\.7–100\.0%<\/div>/);
    expect(live).toMatch(/<td>simulated<\/td><td class="num">1\/1<\/td><td class="num">100\.0%<div class="parts">20\.7–100\.0%<\/div>/);
    expect(live).toContain('live and simulated agree on 1 of 1 task(s) graded in both');
    const pages = (await readdir(path.join(tmp, 'reports', 'cascade-run'), { recursive: true })).filter((f) => f.endsWith('.html'));
    const texts = await Promise.all(pages.map((f) => readFile(path.join(tmp, 'reports', 'cascade-run', f), 'utf8')));
    const page = texts.find((t) => t.includes('Cascade stages'))!;
    expect(page).toContain('failed: escalated');
    expect(page).toContain('$0.0024'); // the cheap stage: 2 calls × $0.0012
  });

  it('--cascade-mode continue: the strong stage works in the cheap stage\'s workspace and is shown its transcript', async () => {
    const breakIt = bash("echo 'module.exports = {};' > src/parse.js", U);
    const { records, exitCode, stderr } = await run(
      // strong sees cheap's broken file in the workspace: it restores it, then applies the fix
      { cheap: [breakIt, bash(SUBMIT, U)], strong: [bash(`grep -q 'module.exports = {};' src/parse.js && git checkout -- src/parse.js && ${applyGold()}`, U), bash(SUBMIT, U)] },
      ['--no-models', '--cascade', 'cheap,strong', '--cascade-mode', 'continue'],
    );
    expect(exitCode, stderr).toBe(0);
    const rec = records[0]!;
    expect(rec.outcome).toBe('resolved');
    expect(rec.stages!.map((x) => x.passed)).toEqual([false, null]);
    expect(rec.model_patch).toContain('let sign = 1;');
    const first = server!.requests.find((q) => q.body?.model === 'fake/strong-1')!;
    const prompt = JSON.stringify(first.body.messages);
    expect(prompt).toContain('Earlier attempts worked on this issue in this same workspace');
    expect(prompt).toContain('Attempt 1 (cheap) ended: visible check failed');
    expect(prompt).toContain("module.exports = {};");
  });

  it('a router stage keeps its own model mix (who answered it), priced at the served model, never the router row', async () => {
    // the router "auto" (its own row $0) answers from the cheap script, its replies naming fake/strong-1
    const served = (command: string): FakeReply => toolCall('bash', { command }, { usage: U, model: 'fake/strong-1' });
    const { records, exitCode, stderr } = await run({ cheap: [served(applyGold()), served(SUBMIT)], strong: [] }, ['--no-models', '--cascade', 'auto,strong']);
    expect(exitCode, stderr).toBe(0);
    const [rec] = records;
    expect(rec!.stages).toHaveLength(1);
    expect(rec!.stages![0]!.model_mix!.map((m) => [m.model, m.price_key, m.calls])).toEqual([['fake/strong-1', 'strong', 2]]);
    expect(rec!.stages![0]!.list_usd).toBeCloseTo(2 * STRONG_CALL, 12);
    expect(rec!.list_usd).toBeCloseTo(2 * STRONG_CALL, 12);
  });

  it('--concurrency 1: a cascade (untrusted agents) starts only once the attempt before it has finished its tests', async () => {
    const { records, exitCode, stderr } = await run(
      { cheap: [bash(applyGold(), U), bash(SUBMIT, U), bash(applyGold(), U), bash(SUBMIT, U)], strong: [] },
      ['--models', 'cheap', '--cascade', 'cheap,strong'],
    );
    expect(exitCode, stderr).toBe(0);
    expect(records.map((r) => [r.contender, r.outcome])).toEqual([['cheap', 'resolved'], ['cascade:cheap>strong', 'resolved']]);
    const at = server!.requests.map((q) => q.at);
    expect(at).toHaveLength(4);
    // the cheap attempt's tests start after its last call (1) and last test_ms; the cascade's first call (2) comes after them
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(records[0]!.test_ms);
  }, 180_000);
});
