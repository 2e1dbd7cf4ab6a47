// `npm run fake-provider` (scripts/fake-provider.mts): the offline stand-in for a provider that the
// README's "Trying a model run without a key" runs. Spawned as a user starts it, then one attempt
// through the real CLI with the shipped example models file (its port swapped for the one the server
// took) and price sheet and a dummy key: the record says resolved, two calls, submitted, at the sheet's made-up price.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { DEFAULT_PORT } from '../../scripts/fake-provider.mts';

const SCRIPT = path.join(ROOT, 'scripts', 'fake-provider.mts');
const spawnServer = (args: string[]): ResultPromise => execa('node', ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, reject: false, buffer: true, all: false });

/** The base URL the server printed, once it listens. */
async function listening(child: ResultPromise): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake provider did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    void child.then((r) => reject(new Error(`fake provider exited ${r.exitCode}: ${String(r.stderr)}`)));
  });
}

let tmp: string;
let server: ResultPromise;
let baseURL: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-fake-provider-'));
  server = spawnServer(['--port', '0']);
  baseURL = await listening(server);
}, 90_000);
afterAll(async () => {
  server?.kill('SIGTERM');
  await server;
  await rm(tmp, { recursive: true, force: true });
});

describe('npm run fake-provider', () => {
  it('serves a run of the shipped example models file: the scripted agent fixes the task, the record has its calls at the sheet\'s made-up price', async () => {
    const example = await readFile(path.join(ROOT, 'examples', 'fake-provider', 'models.yaml'), 'utf8');
    const shipped = `http://127.0.0.1:${DEFAULT_PORT}/v1`;
    expect(example).toContain(shipped); // the file the README runs names the script's default port
    const modelsFile = path.join(tmp, 'models.yaml');
    await writeFile(modelsFile, example.replace(shipped, baseURL));
    const results = path.join(tmp, 'results');
    const r = await runCli(['run', '--models-file', modelsFile, '--prices', path.join(ROOT, 'examples', 'fake-provider', 'prices.yaml'), '--task', 'js-duration-1', '--no-reference',
      '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', 'fp1'], { env: { FAKE_PROVIDER_KEY: 'dummy', FIXBENCH_CACHE_DIR: path.join(tmp, 'cache') } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/fake-coder: resolved 1\/1/);
    const [rec, ...more] = (await readFile(path.join(results, 'fp1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(more).toEqual([]);
    expect(rec).toMatchObject({ contender: 'fake-coder', instance_id: 'js-duration-1', outcome: 'resolved', exit_status: 'submitted', calls: 2 });
    // 200 input and 20 output tokens at the example sheet's made-up $3 / $15 per million: a cost the demo's report can chart
    expect(rec.list_usd).toBeCloseTo(0.0009, 10);
    // the summary line labels the made-up price, as the README quotes it
    const summary = /fake-coder: resolved 1\/1 .*\$0\.0009 total.*/.exec(r.stderr)?.[0];
    expect(summary).toBe('fake-coder: resolved 1/1 (100.0%), 1 graded, $0.0009 total (made-up prices)');
    expect(await readFile(path.join(ROOT, 'README.md'), 'utf8')).toContain(`\`${summary}\``);
    expect(rec.usage).toMatchObject({ input_uncached: 200, output: 20 });
    // the model_patch is the task's reference fix, and nothing else (the patch file stayed outside the work tree)
    const gold = await readFile(path.join(ROOT, 'tasks', 'js-duration-1', 'gold.patch'), 'utf8');
    const added = (p: string): string[] => p.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    expect(added(rec.model_patch)).toEqual(added(gold));
    expect(rec.model_patch).not.toContain('fake-provider-fix');
    // the sheet is marked illustrative: the run records the marker and its report labels the costs as made up
    const header = JSON.parse(await readFile(path.join(results, 'fp1', 'run.json'), 'utf8'));
    expect(header.price_sheet).toMatchObject({ illustrative: true });
    expect(header.config.price_sheet).toMatchObject({ illustrative: true });
    const html = await readFile(path.join(tmp, 'reports', 'fp1', 'index.html'), 'utf8');
    expect(html).toContain('id="illustrative-prices">Illustrative prices: the sheet&#x27;s prices are made up');
    expect(html).toContain('illustrative: made-up prices)</dd>');
    expect(html).toMatch(/USD at list prices as of \d{4}-\d{2}-\d{2} \(made-up prices\)\./);
    const history = await runCli(['history', '--results', results]);
    expect(history.stdout).toMatch(/^fp1 .*fake-coder 1\/1 \(\$0\.0009\) \(made-up prices\)/m);
  }, 300_000);

  it('a task its --tasks folder lacks: the attempt records the provider\'s error naming --tasks (not a silent empty patch); a task added to the folder meanwhile is read again and fixed (newcomer16 #3)', async () => {
    const own = path.join(tmp, 'own-tasks');
    await mkdir(own, { recursive: true });
    const mine = spawnServer(['--port', '0', '--tasks', own]);
    try {
      const url = await listening(mine);
      const modelsFile = path.join(tmp, 'own-models.yaml');
      const example = await readFile(path.join(ROOT, 'examples', 'fake-provider', 'models.yaml'), 'utf8');
      await writeFile(modelsFile, example.replace(`http://127.0.0.1:${DEFAULT_PORT}/v1`, url));
      const run = (id: string) => runCli(['run', '--models-file', modelsFile, '--prices', path.join(ROOT, 'examples', 'fake-provider', 'prices.yaml'), '--task', 'js-duration-2', '--no-reference',
        '--results', path.join(tmp, 'own-results'), '--reports', path.join(tmp, 'own-reports'), '--run-id', id], { env: { FAKE_PROVIDER_KEY: 'dummy', FIXBENCH_CACHE_DIR: path.join(tmp, 'cache') } });
      const unknown = await run('own1');
      expect(unknown.stderr).toMatch(/fake-coder js-duration-2#0: infra_error .*fake provider: task not in its tasks folder; restart it with npm run fake-provider -- --tasks <dir>/);
      const [rec] = (await readFile(path.join(tmp, 'own-results', 'own1', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(rec.outcome).toBe('infra_error');
      expect(rec.error.message).toMatch(/npm run fake-provider -- --tasks <dir> \(it reads \S*own-tasks: 0 tasks\)/);
      // the task appears in the folder while the server runs: read again, fixed
      await mkdir(path.join(own, 'js-duration-2'));
      for (const f of ['problem_statement.md', 'gold.patch']) await copyFile(path.join(ROOT, 'tasks', 'js-duration-2', f), path.join(own, 'js-duration-2', f));
      const known = await run('own2');
      expect(known.exitCode, known.stderr).toBe(0);
      expect(known.stderr).toMatch(/fake-coder: resolved 1\/1/);
    } finally {
      mine.kill('SIGTERM');
      await mine;
    }
  }, 300_000);

  it('refuses a port already in use (exit 2, naming it and the fix) and a bad --port', async () => {
    const port = new URL(baseURL).port;
    const taken = await spawnServer(['--port', port]);
    expect(taken.exitCode).toBe(2);
    expect(String(taken.stderr)).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    expect(String(taken.stderr)).toContain('pass --port <n> and put that port in your models file');
    const bad = await spawnServer(['--port', 'eighty']);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toContain('--port eighty: not a port number');
  }, 120_000);
});
