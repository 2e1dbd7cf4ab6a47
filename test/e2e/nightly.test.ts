// Nightly runs at scale through the real CLI: a run killed with SIGKILL and resumed records every
// attempt exactly once; shards merged equal the run in one piece; --retry-errors re-runs infra
// errors; compare flags a planted regression with exit 3.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';
import { gone } from '../helpers/process.ts';
import type { AttemptRecord } from '../../src/store/records.ts';
import { RunWriter } from '../../src/store/store.ts';
import { makeAttempt, makeHeader, modelContender } from '../unit/analysis/fixtures.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-nightly-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const env = () => ({ FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache'), FAKE_PROVIDER_API_KEY: 'sk-fake-nightly-0123456789' });
const records = async (dir: string): Promise<AttemptRecord[]> =>
  (await readFile(path.join(dir, 'attempts.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as AttemptRecord];
      } catch {
        return []; // a torn last line
      }
    });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('resume after SIGKILL', () => {
  let server: FakeOpenAI;
  let modelsFile: string;
  let prices: string;
  beforeAll(async () => {
    // Every model reply: one command that takes a moment, then submits (an empty patch).
    const usage = { prompt_tokens: 1000, completion_tokens: 100 };
    server = await startFakeOpenAI(() => toolCall('bash', { command: 'sleep 0.4; echo FIXBENCH_SUBMIT' }, { usage }));
    modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(
      modelsFile,
      `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`,
    );
    prices = path.join(tmp, '2026-04-01.yaml');
    // USD per attempt = (1000 · 2.00 + 100 · 8.00) / 1e6 = 0.0028
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
  });
  afterAll(async () => server?.close());

  it('kills a run part-way with SIGKILL; --resume ends with every attempt recorded once, tokens and USD summed once', async () => {
    const results = path.join(tmp, 'results-kill');
    const args = ['run', '--task', 'js-duration-1,js-duration-2,js-duration-3', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '3',
      '--concurrency', '1', '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'killed', '--budget-usd', 'none'];
    const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env(), NO_COLOR: '1' }, detached: true, reject: false });
    const dir = path.join(results, 'killed');
    const deadline = Date.now() + 120_000;
    while ((await records(dir)).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    process.kill(-child.pid!, 'SIGKILL'); // the CLI and every command it started, with no chance to clean up
    await child;
    expect(await gone(child.pid!)).toBe(true);
    const before = await records(dir);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(9); // killed part-way
    expect(JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')).status).toBe('running');

    const r = await runCli(['run', '--resume', 'killed', '--models-file', modelsFile, '--results', results, '--reports', path.join(tmp, 'reports'), '--json'], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    const after = await records(dir);
    // Every (task, attempt) exactly once, the ones recorded before the kill untouched.
    expect(after).toHaveLength(9);
    expect(new Set(after.map((a) => a.key)).size).toBe(9);
    expect(new Set(after.map((a) => `${a.instance_id}#${a.attempt}`)).size).toBe(9);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.every((a) => a.outcome === 'empty_patch')).toBe(true);
    // Every billed call counted once: the provider's count, less at most one reply in transit at
    // the kill (sent, never received). An attempt killed after its call was billed carries it
    // (interrupted_calls, from its ledger) on top of its re-run's call.
    const calls = after.reduce((s, a) => s + a.calls, 0);
    expect(calls).toBeGreaterThanOrEqual(server.requests.length - 1);
    expect(calls).toBeLessThanOrEqual(server.requests.length);
    expect(after.every((a) => a.calls === 1 + (a.interrupted_calls?.calls ?? 0))).toBe(true);
    const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(header.status).toBe('finished');
    expect(header.resumed_at).toHaveLength(1);
    const summary = lastJson(r.stdout);
    expect(summary).toMatchObject({ type: 'summary', status: 'finished', attempts: 9, ran: 9 - before.length, tokens: calls * 1100 });
    expect(summary.list_usd).toBeCloseTo(calls * 0.0028, 10);
    expect(after.reduce((s, a) => s + a.list_usd!, 0)).toBeCloseTo(calls * 0.0028, 10);
    expect(r.stderr).toMatch(/fixbench run killed \(resumed\)/);
    expect(r.stdout.split('\n')[0]).toBe(JSON.stringify({ type: 'start', total: 9, already_done: before.length }));

    // A resume whose tasks changed is refused, naming what differs.
    const tasks = path.join(tmp, 'tasks-changed');
    await cp(path.join(ROOT, 'tasks'), tasks, { recursive: true });
    await writeFile(path.join(tasks, 'js-duration-2', 'problem_statement.md'), 'A different issue.\n');
    const refused = await runCli(['run', '--resume', 'killed', '--tasks', tasks, '--models-file', modelsFile, '--results', results, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/cannot resume .*killed: its configuration differs from this one \(stored → now\):\n\s+suite\.hash: "[0-9a-f]+" → "[0-9a-f]+"\n/);
    expect(await records(dir)).toEqual(after);
  }, 300_000);

  it('Ctrl-C (SIGINT) stops the attempt in flight unrecorded and says so with the resume command, exits 130; --resume completes the run', async () => {
    const results = path.join(tmp, 'results-int');
    const args = ['run', '--task', 'js-duration-1,js-duration-2', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '3',
      '--concurrency', '1', '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'int', '--budget-usd', 'none'];
    const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env(), NO_COLOR: '1' }, reject: false });
    const dir = path.join(results, 'int');
    const deadline = Date.now() + 120_000;
    while ((await records(dir)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    const done = await child;
    expect(done.exitCode, String(done.stderr)).toBe(130);
    // the interrupt's line says what happens to the attempts in flight and gives the command that finishes the run (the one `next:` gives)
    const said = /^interrupted: no new attempt starts; an attempt whose agent is still working is stopped and not recorded .*; so is a gold, noop or predictions attempt still being graded \(no billed call: nothing is lost\); a model's attempt already past its agent is graded and recorded .*Finish the rest later with:\n  (.*)$/m.exec(String(done.stderr));
    expect(said, String(done.stderr)).not.toBeNull();
    expect(String(done.stdout)).toContain(`finish its`);
    expect(String(done.stdout).split('\n')).toContain(`  ${said![1]}`);
    // the summary's rate is over the attempts that ran, and the next step is the resume, with the flags run.json does not hold
    expect(String(done.stderr)).toMatch(/^  fake-coder: resolved 0\/\d of those run \(0\.0%\), \d graded, \d not run \(interrupted\)/m);
    expect(String(done.stdout)).toMatch(/^next: the run was interrupted; finish its \d attempt\(s\) that did not run with:\n  (npx fixbench|node \S+fixbench\.mjs) run --resume int --results \S+ --models-file \S+ --reports \S+$/m);
    const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(header.status).toBe('interrupted');
    const part = await records(dir);
    expect(part.length).toBeLessThan(6);
    expect(part.every((r) => r.outcome === 'empty_patch')).toBe(true); // nothing half-done was recorded
    // run.json names the models file (and its hash): a resume without --models-file reads it
    expect(header.models_file).toEqual({ file: modelsFile, content_hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // a run written before models_file: the resume names the flag
    const runJson = await readFile(path.join(dir, 'run.json'), 'utf8');
    await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...header, models_file: undefined }));
    const old = await runCli(['run', '--resume', 'int', '--results', results, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(old.exitCode).toBe(2);
    expect(old.stderr).toMatch(/--resume int: unknown model id\(s\): fake-coder [\s\S]*add --models-file <file>/);
    await writeFile(path.join(dir, 'run.json'), runJson);
    const r = await runCli(['run', '--resume', 'int', '--results', results, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    const all = await records(dir);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((a) => a.key)).size).toBe(6);
  }, 300_000);

  it('installs a task\'s npm dependencies once: the second attempt restores them from the environment cache', async () => {
    const results = path.join(tmp, 'results-env');
    const r = await runCli(
      ['run', '--task', 'ts-globlite-1', '--no-reference', '--models-file', modelsFile, '--prices', prices, '--attempts', '2', '--concurrency', '2',
        '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'env', '--budget-usd', 'none', '--cache-dir', path.join(tmp, 'env-cache-npm')],
      { env: env() },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = await records(path.join(results, 'env'));
    expect(recs.map((x) => x.env_cache).sort()).toEqual(['hit', 'miss']);
    expect(recs.every((x) => x.outcome === 'empty_patch')).toBe(true);
    expect(r.stderr).toMatch(/env cache: 1 hit\(s\), 1 miss\(es\)/);
    // the patch never includes the installed node_modules
    expect(recs.every((x) => x.model_patch === '')).toBe(true);
  }, 300_000);
});

describe('Ctrl-C in a run of the reference agents', () => {
  it('stops the gold/noop gradings in flight unrecorded (no billed call: nothing lost) instead of finishing them; --resume completes the run', async () => {
    const results = path.join(tmp, 'results-ref-int');
    const tasks = ['js-duration-1', 'js-duration-2', 'js-duration-3', 'js-duration-4', 'js-csv-1', 'js-csv-2', 'js-csv-3', 'js-csv-4'];
    // 16 attempts all started at once, their tests one at a time: most are waiting to be graded when the signal comes
    const args = ['run', '--task', tasks.join(','), '--no-models', '--concurrency', '16', '--test-concurrency', '1', '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'ref-int'];
    const child = execa('node', [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env(), NO_COLOR: '1' }, reject: false });
    const dir = path.join(results, 'ref-int');
    const deadline = Date.now() + 120_000;
    while ((await records(dir)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const sent = Date.now();
    child.kill('SIGINT');
    const done = await child;
    const tookMs = Date.now() - sent;
    expect(done.exitCode, String(done.stderr)).toBe(130);
    const header = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(header.status).toBe('interrupted');
    const part = await records(dir);
    // the attempts waiting for their grading were not graded after the signal (before the fix all 16 were)
    expect(part.length, String(done.stderr)).toBeLessThan(8);
    expect(part.every((r) => r.outcome !== 'infra_error')).toBe(true); // a stopped grading is not recorded
    expect(tookMs).toBeLessThan(15_000);
    const r = await runCli(['run', '--resume', 'ref-int', '--results', results, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(r.exitCode, r.stderr).toBe(0);
    const all = await records(dir);
    expect(all).toHaveLength(16);
    expect(new Set(all.map((a) => a.key)).size).toBe(16);
    expect(all.filter((a) => a.contender === 'gold').every((a) => a.outcome === 'resolved')).toBe(true);
  }, 300_000);
});

describe('shards, merge and --retry-errors', () => {
  const out = (name: string) => ['--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', name];
  const base = ['run', '--task', 'js-duration-1,js-duration-2', '--no-models', '--attempts', '2', '--concurrency', '4'];

  it('two shards merged give the same attempt keys and outcomes as the run in one piece', async () => {
    const [whole, s1, s2] = await Promise.all([
      runCli([...base, ...out('whole')], { env: env() }),
      runCli([...base, '--shard', '1/2', ...out('shard-1')], { env: env() }),
      runCli([...base, '--shard', '2/2', ...out('shard-2')], { env: env() }),
    ]);
    for (const r of [whole, s1, s2]) expect(r.exitCode, r.stderr).toBe(0);
    const res = path.join(tmp, 'results');
    const one = await records(path.join(res, 'shard-1'));
    const two = await records(path.join(res, 'shard-2'));
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect(one.length + two.length).toBe(8);

    const m = await runCli(['merge', path.join(res, 'merged'), path.join(res, 'shard-2'), path.join(res, 'shard-1'), '--json']);
    expect(m.exitCode, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ run_id: 'merged', shards: ['shard-1', 'shard-2'], attempts: 8 });
    const byKey = (rs: AttemptRecord[]) =>
      rs.map((r) => ({ key: r.key, model: r.contender, instance_id: r.instance_id, attempt: r.attempt, outcome: r.outcome })).sort((a, b) => a.key.localeCompare(b.key));
    const merged = await records(path.join(res, 'merged'));
    expect(byKey(merged)).toEqual(byKey(await records(path.join(res, 'whole'))));
    expect(new Set(merged.map((r) => r.key)).size).toBe(8);
    const header = JSON.parse(await readFile(path.join(res, 'merged', 'run.json'), 'utf8'));
    expect(header).toMatchObject({ run_id: 'merged', shard: null, merged_from: ['shard-1', 'shard-2'] });
    // logs of both shards came along
    for (const r of merged) await expect(readFile(path.join(res, 'merged', 'logs', r.contender, r.instance_id, String(r.attempt), 'report.json'), 'utf8')).resolves.toContain(r.instance_id);
    // the merged run reports like any run
    const rep = await runCli(['report', 'merged', '--results', res, '--reports', path.join(tmp, 'reports')]);
    expect(rep.exitCode, rep.stderr).toBe(0);

    // A shard of another store format version is refused, naming the folder and the version.
    const odd = path.join(res, 'shard-2-odd');
    await cp(path.join(res, 'shard-2'), odd, { recursive: true });
    const h = JSON.parse(await readFile(path.join(odd, 'run.json'), 'utf8'));
    await writeFile(path.join(odd, 'run.json'), JSON.stringify({ ...h, format_version: 7 }));
    const bad = await runCli(['merge', path.join(res, 'merged-bad'), path.join(res, 'shard-1'), odd]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/shard-2-odd\/run\.json: results store format_version 7, but this fixbench reads format_version 1, 2; upgrade fixbench/);
    // So is a shard of another task suite.
    await writeFile(path.join(odd, 'run.json'), JSON.stringify({ ...h, suite: { ...h.suite, hash: 'another-suite' } }));
    const suite = await runCli(['merge', path.join(res, 'merged-bad'), path.join(res, 'shard-1'), odd]);
    expect(suite.exitCode).toBe(2);
    expect(suite.stderr).toMatch(/shard-2-odd: task suite another-suite, but .*shard-1 ran suite/);
    await expect(readFile(path.join(res, 'merged-bad', 'run.json'))).rejects.toThrow();

    // --retry-errors: an infra error of the whole run is set aside and run again.
    const wholeDir = path.join(res, 'whole');
    const recs = await records(wholeDir);
    const victim = recs.find((r) => r.contender === 'noop')!; // (an infra error of gold would also fail the reference gate)
    await writeFile(path.join(wholeDir, 'attempts.jsonl'), recs.map((r) => JSON.stringify(r.key === victim.key ? { ...r, outcome: 'infra_error', error: { stage: 'workspace', kind: 'harness_fault', message: 'harness: planted' } } : r) + '\n').join(''));
    // --resume keeps it (it has a record), and --fail-on-error counts it: exit 3, pointing to --retry-errors.
    const gate = await runCli(['run', '--resume', 'whole', '--fail-on-error', '0', '--results', res, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(gate.exitCode).toBe(3);
    expect(gate.stderr).toMatch(/--fail-on-error: 1 infra error\(s\) in 8 attempt\(s\); re-run them with: (npx fixbench|node \S+fixbench\.mjs) run --retry-errors whole --results \S+/);
    const tolerated = await runCli(['run', '--resume', 'whole', '--fail-on-error', '20%', '--results', res, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(tolerated.exitCode, tolerated.stderr).toBe(0);
    const retry = await runCli(['run', '--retry-errors', 'whole', '--results', res, '--reports', path.join(tmp, 'reports')], { env: env() });
    expect(retry.exitCode, retry.stderr).toBe(0);
    const again = await records(wholeDir);
    expect(again).toHaveLength(8);
    expect(again.filter((r) => r.key === victim.key)).toEqual([expect.objectContaining({ outcome: 'unresolved', error: null })]);
    expect(await readFile(path.join(wholeDir, 'attempts.superseded.jsonl'), 'utf8')).toMatch(/harness: planted/);
  }, 300_000);
});

describe('compare', () => {
  it('flags a planted regression, writes the Markdown summary, appends to $GITHUB_STEP_SUMMARY and exits 3', async () => {
    const res = path.join(tmp, 'results-compare');
    const ids = ['t1', 't2', 't3', 't4'];
    const write = async (runId: string, startedAt: string, failing: string[]) => {
      const w = await RunWriter.create(path.join(res, runId), makeHeader({ run_id: runId, started_at: startedAt, contenders: [modelContender('m1')], suite: { hash: 's', instance_ids: ids } }));
      for (const id of ids) await w.appendAttempt(makeAttempt('m1', id, failing.includes(id) ? 'unresolved' : 'resolved', 0.01, { run_id: runId }));
    };
    await write('night-1', '2026-04-01T02:00:00.000Z', []);
    await write('night-2', '2026-04-02T02:00:00.000Z', ['t3']); // the planted regression
    const md = path.join(tmp, 'summary.md');
    const stepSummary = path.join(tmp, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');
    const r = await runCli(['compare', 'previous', 'latest', '--results', res, '--max-drop', '10', '--markdown', md], { env: { GITHUB_STEP_SUMMARY: stepSummary } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/gate failed: m1: resolved rate fell 25\.0 pp \(100\.0% → 75\.0%\), more than --max-drop 10 pp; regressed: t3#0/);
    expect(r.stdout).toMatch(/base night-1 → head night-2/);
    expect(r.stdout).toMatch(/gates: FAILED \(1\)/);
    // The table counts flipped tasks; they are listed below it, so every line fits 120 columns.
    expect(r.stdout).toMatch(/m1\s+4\s+100\.0%\s+75\.0%\s+-25\.0\s+1\.00\s+1\s+0\s/);
    expect(r.stdout).toMatch(/\nm1 regressed \(base resolved, head did not\): t3#0\n/);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    const text = await readFile(md, 'utf8');
    expect(text).toContain('**Gate failed** (1)');
    expect(text).toContain('- **m1** regressed: `t3#0`');
    expect(await readFile(stepSummary, 'utf8')).toBe('# earlier step\n' + text + '\n');

    // Without a gate the same comparison passes; two ids name runs explicitly.
    const ok = await runCli(['compare', 'night-1', 'night-2', '--results', res, '--json']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const held = await runCli(['compare', 'night-1', 'night-2', '--results', res, '--max-drop', '30']);
    expect(held.exitCode, held.stderr).toBe(0);
    expect(held.stdout).toMatch(/gates: all 1 configured gate\(s\) hold/);
    expect(JSON.parse(ok.stdout).contenders[0]).toMatchObject({ regressions: ['t3#0'], fixes: [] });
    // history groups both nights (same suite and config), newest first; a run of another config stands apart.
    const w = await RunWriter.create(path.join(res, 'other-config'), makeHeader({ run_id: 'other-config', attempts_per_task: 3, contenders: [modelContender('m1')], suite: { hash: 's', instance_ids: ids } }));
    await w.writeHeader(makeHeader({ run_id: 'other-config', attempts_per_task: 3, contenders: [modelContender('m1')], suite: { hash: 's', instance_ids: ids } }));
    const hist = await runCli(['history', '--results', res, '--json']);
    expect(hist.exitCode, hist.stderr).toBe(0);
    const entries = JSON.parse(hist.stdout) as { group: string; run_id: string }[];
    const group = (id: string) => entries.find((e) => e.run_id === id)!.group;
    expect(entries.filter((e) => e.group === group('night-1')).map((e) => e.run_id)).toEqual(['night-2', 'night-1']);
    expect(group('other-config')).not.toBe(group('night-1'));
    // each run carries its contenders' resolved counts: night-2 lost the task t3 that night-1 resolved
    const score = (id: string) => (entries.find((e) => e.run_id === id) as unknown as { contenders: { id: string; resolved: number; trials: number }[] }).contenders[0]!;
    expect(score('night-2').resolved).toBe(score('night-1').resolved - 1);
    expect(score('night-2').trials).toBe(score('night-1').trials);
    const histText = await runCli(['history', '--results', res]);
    expect(histText.stdout).toMatch(/^suite s \(4 tasks\) · m1 · 1 attempt\(s\)\/task, 50 steps \(run predates RunConfig\)  \[config \w{8}\]$/m);
    expect(histText.stdout).toMatch(/^suite s \(4 tasks\) · m1 · 3 attempt\(s\)\/task, 50 steps/m);
    // A run that does not exist: the runs that do are listed, newest run first by its started_at, not
    // by name (other-config sorts first by name but started with night-1; a tie goes by name), no raw ENOENT.
    const missing = await runCli(['compare', 'night-0', 'night-2', '--results', res]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/no run "night-0" \(.*night-0\/run\.json does not exist\)\nruns under .*results-compare \(newest first\):\n  night-2\n  other-config\n  night-1$/);
    expect(missing.stderr).not.toMatch(/ENOENT/);
    const report = await runCli(['report', 'night-9', '--results', res, '--reports', path.join(tmp, 'reports-missing')]);
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toMatch(/no run "night-9"[^\n]*\nruns under [^\n]*\n  night-2\n/);
    const none = await runCli(['report', 'x', '--results', path.join(tmp, 'no-results-here')]);
    // the run it suggests writes under the --results given (newcomer12 #5)
    expect(none.stderr).toMatch(/there is no run under .*no-results-here; start one with `(npx fixbench|node \S+fixbench\.mjs) run --results \S+no-results-here`/);
  }, 120_000);
});

describe('compare previous latest without an earlier run of the suite', () => {
  it('lists the runs that share tasks with the latest one (exit 2), naming --task as what makes another suite', async () => {
    const res = path.join(tmp, 'results-no-previous');
    const write = async (runId: string, startedAt: string, hash: string, ids: string[]) => {
      const w = await RunWriter.create(path.join(res, runId), makeHeader({ run_id: runId, started_at: startedAt, contenders: [modelContender('m1')], suite: { hash, instance_ids: ids } }));
      for (const id of ids) await w.appendAttempt(makeAttempt('m1', id, 'resolved', 0.01, { run_id: runId }));
    };
    await write('full-suite', '2026-04-01T02:00:00.000Z', 'suite-all', ['t1', 't2', 't3', 't4']);
    await write('unrelated', '2026-04-02T02:00:00.000Z', 'suite-other', ['u1']);
    await write('one-task', '2026-04-03T02:00:00.000Z', 'suite-t2', ['t2']); // as `run --task t2` makes
    const r = await runCli(['compare', 'previous', 'latest', '--results', res], { env: { npm_command: 'exec', npm_lifecycle_event: undefined } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no earlier run of the same task suite and configuration as one-task (suite suite-t2, 1 task(s)); a run with --task or --created-after is a suite of its own.');
    expect(r.stderr).toMatch(/runs sharing tasks with it \(newest first; compared on the tasks in common: `npx fixbench compare <run> one-task --results \S+results-no-previous`\):\n  full-suite  1 of its 4 task\(s\) in common, other suite$/);
    expect(r.stderr).not.toMatch(/unrelated/);
    // the run named as base then compares on the shared task
    const named = await runCli(['compare', 'full-suite', 'latest', '--results', res]);
    expect(named.exitCode, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/base full-suite → head one-task \(suites differ; 1 task\(s\) in both\)/);
  }, 60_000);
});

describe('bad input to the nightly flags', () => {
  it('refuses a malformed shard, a missing run to resume, and --resume with --retry-errors', async () => {
    const res = path.join(tmp, 'results-bad');
    const shard = await runCli(['run', '--no-models', '--shard', '3/2', '--results', res]);
    expect(shard.exitCode).toBe(2);
    expect(shard.stderr).toMatch(/--shard <i\/n\|auto>' argument '3\/2' is invalid\. must be i\/n with 1 ≤ i ≤ n ≤ 1000, e\.g\. 2\/4, or auto/);
    const missing = await runCli(['run', '--resume', 'no-such-run', '--results', res]);
    expect(missing.exitCode).toBe(2);
    // as report and compare do: the run as given, the path looked for, and the runs that exist (none here)
    expect(missing.stderr).toMatch(/no run "no-such-run" \(.*results-bad\/no-such-run\/run\.json does not exist\)\nthere is no run under .*results-bad; /);
    expect(missing.stderr).not.toMatch(/ENOENT/);
    const retry = await runCli(['run', '--retry-errors', 'gone', '--results', res]);
    expect(retry.exitCode).toBe(2);
    expect(retry.stderr).toMatch(/no run "gone" \(/);
    const both = await runCli(['run', '--resume', 'a', '--retry-errors', 'b', '--results', res]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/--resume and --retry-errors both name a run; --retry-errors already resumes, keep one/);
    const threshold = await runCli(['run', '--no-models', '--fail-on-error', 'lots', '--results', res]);
    expect(threshold.exitCode).toBe(2);
    expect(threshold.stderr).toMatch(/a number of attempts such as 3, or a percentage such as 5%/);
    const merge = await runCli(['merge', path.join(res, 'out'), path.join(res, 'nothing-here')]);
    expect(merge.exitCode).toBe(2);
    expect(merge.stderr).toMatch(/shard ".*nothing-here": .*nothing-here\/run\.json does not exist; name the shard run folders/);
    // a shell pattern that matched nothing (GitHub's re-run with another RUN_ID) is named as one, with the runs that are there
    const glob = await runCli(['merge', path.join(res, 'out'), path.join(res, 'nightly-9-s*')]);
    expect(glob.exitCode).toBe(2);
    expect(glob.stderr).toMatch(/shard ".*nightly-9-s\*": no folder matches this pattern \(the shell passes a pattern that matches nothing as it is\)/);
    expect(glob.stderr).not.toMatch(/ENOENT/);
    // the same pattern quoted, with folders that match it: the shell did not expand it, and fixbench does not
    await mkdir(path.join(res, 'nightly-9-s1'), { recursive: true });
    await writeFile(path.join(res, 'nightly-9-s1', 'run.json'), '{}');
    const quoted = await runCli(['merge', path.join(res, 'out'), path.join(res, 'nightly-9-s*')]);
    expect(quoted.exitCode).toBe(2);
    expect(quoted.stderr).toMatch(/fixbench does not expand patterns, and the shell did not \(the pattern is quoted\): 1 folder\(s\) match it; leave it unquoted/);
  }, 120_000);
});
