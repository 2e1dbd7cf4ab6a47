// Bad input fails before any work starts, naming the file, the field and the fix, with exit code 2.
import { mkdtemp, mkdir, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const GOOD_TASK = `instance_id: demo-1
repo: demo
base_commit: ${'a'.repeat(40)}
setup: ''
test_cmd: node --test
test_report: tap
FAIL_TO_PASS: ['suite > adds']
PASS_TO_PASS: []
timeout_s: 60
`;
const PATCH = 'diff --git a/x.js b/x.js\n--- a/x.js\n+++ b/x.js\n@@ -1 +1 @@\n-a\n+b\n';

let tmp: string;
async function makeTask(yaml: string, id = 'demo-1'): Promise<string> {
  const tasksDir = path.join(tmp, 'tasks');
  const dir = path.join(tasksDir, id);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'task.yaml'), yaml);
  await writeFile(path.join(dir, 'problem_statement.md'), 'Adding two numbers gives the wrong sum.\n');
  await writeFile(path.join(dir, 'gold.patch'), PATCH);
  await writeFile(path.join(dir, 'test.patch'), PATCH);
  return tasksDir;
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-badinput-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});


/** No run folder may be created when input is rejected. */
async function expectNoWork(): Promise<void> {
  const results = await readdir(path.join(tmp, 'results')).catch(() => []);
  expect(results).toEqual([]);
}

const runIn = (args: string[], env: Record<string, string> = {}) =>
  runCli(['run', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), ...args], { env });

describe('fixbench run rejects bad input with exit code 2 before any work', () => {
  it('names the file and the missing field of a task.yaml', async () => {
    const tasksDir = await makeTask(GOOD_TASK.replace(/^test_cmd:.*\n/m, ''));
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(path.join(tasksDir, 'demo-1', 'task.yaml'));
    expect(r.stderr).toMatch(/test_cmd: missing required field/);
    expect(r.stderr).toMatch(/fix: /);
    await expectNoWork();
  });

  it('names the field of a task.yaml with a wrong type', async () => {
    const tasksDir = await makeTask(GOOD_TASK.replace('timeout_s: 60', 'timeout_s: soon'));
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('task.yaml');
    expect(r.stderr).toMatch(/timeout_s: .*expected number/i);
    await expectNoWork();
  });

  it('names FAIL_TO_PASS when it is a string rather than a list', async () => {
    const tasksDir = await makeTask(GOOD_TASK.replace("FAIL_TO_PASS: ['suite > adds']", 'FAIL_TO_PASS: suite > adds'));
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/FAIL_TO_PASS: .*expected array/i);
  });

  it('reports every invalid task at once', async () => {
    await makeTask(GOOD_TASK.replace(/^repo:.*\n/m, ''));
    const tasksDir = await makeTask(GOOD_TASK.replace('demo-1', 'demo-2').replace(/^base_commit:.*\n/m, 'base_commit: abc\n'), 'demo-2');
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/2 invalid task/);
    expect(r.stderr).toMatch(/demo-1[\s\S]*repo: missing required field/);
    expect(r.stderr).toMatch(/demo-2[\s\S]*base_commit: must be a full commit sha: 40 lowercase hex characters/);
  });

  it('reports YAML syntax errors with the line', async () => {
    const tasksDir = await makeTask(GOOD_TASK + 'tags: [unclosed\n');
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/task\.yaml: not valid YAML at line \d+/);
  });

  it('rejects an instance_id that differs from its folder', async () => {
    const tasksDir = await makeTask(GOOD_TASK, 'other-name');
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/instance_id: "demo-1" differs from its folder name "other-name"/);
  });

  it('names an unknown model id and lists the known ones', async () => {
    const tasksDir = await makeTask(GOOD_TASK);
    const r = await runIn(['--tasks', tasksDir, '--models', 'gpt-9-ultra']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown model id\(s\): gpt-9-ultra \(not in .*models\.yaml\)/);
    expect(r.stderr).toMatch(/known ids: .*deepseek-v3\.2/);
    // the bundled models file has no routes: the error says where a route id would come from
    expect(r.stderr).toContain('step routes: none (a route id is defined under `routes:` in the models file, see docs/routing.md)');
    await expectNoWork();
  });

  it('names the file, model and field of a malformed price sheet', async () => {
    const tasksDir = await makeTask(GOOD_TASK);
    const sheet = path.join(tmp, '2026-04-01.yaml');
    await writeFile(sheet, 'as_of: "2026-04-01"\nsource: test\nmodels:\n  deepseek-v3.2: { input: 0.28, output: "0.42" }\n');
    const r = await runIn(['--tasks', tasksDir, '--prices', sheet]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(sheet);
    expect(r.stderr).toMatch(/models\.deepseek-v3\.2\.input: .*expected string/i);
    expect(r.stderr).toMatch(/fix: prices are decimal strings in USD per million tokens/);
    await expectNoWork();
  });

  it('rejects an implausible price magnitude', async () => {
    const tasksDir = await makeTask(GOOD_TASK);
    const sheet = path.join(tmp, '2026-04-02.yaml');
    await writeFile(sheet, 'as_of: "2026-04-02"\nsource: test\nmodels:\n  deepseek-v3.2: { input: "280000", output: "0.42" }\n');
    const r = await runIn(['--tasks', tasksDir, '--prices', sheet]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/models\.deepseek-v3\.2\.input: is implausibly large/);
  });

  it('names a malformed models.yaml field', async () => {
    const tasksDir = await makeTask(GOOD_TASK);
    const models = path.join(tmp, 'models.yaml');
    await writeFile(models, 'models:\n  - id: x\n    provider: p\n    api: openai-chat\n    base_url: not-a-url\n    api_key_env: X_KEY\n    model: m\n    vendor: v\n    region: US\n');
    const r = await runIn(['--tasks', tasksDir, '--models-file', models]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/models\.0\.base_url: /);
  });

  it('rejects a non-numeric flag value', async () => {
    const r = await runIn(['--budget-usd', 'lots']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--budget-usd.*must be an amount in USD/);
  });

  it('rejects an unknown task id', async () => {
    const tasksDir = await makeTask(GOOD_TASK);
    const r = await runIn(['--tasks', tasksDir, '--task', 'nope-1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown task id\(s\): nope-1; known tasks in .*: demo-1/);
  });

  it('names the task and repo field when the repository cannot be read', async () => {
    const tasksDir = await makeTask(GOOD_TASK);
    const r = await runIn(['--tasks', tasksDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/demo-1\/task\.yaml: repo: "demo" cannot be read/);
    expect(r.stderr).toContain(`put the bundle at ${path.join(tasksDir, 'repos', 'demo.bundle')}`); // the full path, for a copied task folder
    await expectNoWork();
  });
});
