// prepareRunner: the runner detected from the workspace, the plain command planned, the helper
// written without following links, an unsupported mocha refused before anything runs.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { prepareRunner, readRunnerResults } from '../../../src/evaluation/runner-run.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-runner-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Writes packages/x/test/a.test.js (one passing, one failing node:test test) under `root`, plans
 * `testCmd` with test_report auto, runs the planned command with bash at `root` and returns the
 * results fixbench reads from it, by id.
 */
async function runInPackageX(root: string, testCmd: string): Promise<Record<string, string>> {
  await mkdir(path.join(root, 'packages', 'x', 'test'), { recursive: true });
  await writeFile(path.join(root, 'packages', 'x', 'test', 'a.test.js'), "const { test } = require('node:test');\ntest('adds', () => {});\ntest('fails', () => { throw new Error('no'); });\n");
  const r = await prepareRunner(root, { test_cmd: testCmd }, 'auto');
  let stdout = '';
  try {
    stdout = execFileSync('bash', ['-c', r.plan.cmd], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    stdout = String((err as { stdout?: string }).stdout ?? ''); // exit 1: one test fails
  }
  return Object.fromEntries((await readRunnerResults(root, r, stdout, 'exit 1', [root], 10_000)).results);
}

describe('prepareRunner', () => {
  it('auto: detects tape through the npm script and writes its preload beside the report', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'tape test/*.js' } }));
    const r = await prepareRunner(dir, { test_cmd: 'npm test' }, 'auto');
    expect(r.adapter.name).toBe('tape');
    expect(r.plan.cmd).toMatch(/^npm test -- -r \.\/\.fixbench-[0-9a-f]{16}-helper\.cjs$/);
    expect(r.reportPath).toMatch(/^\.fixbench-[0-9a-f]{16}-report$/);
    expect(await readFile(path.join(dir, r.plan.helper!.path), 'utf8')).toContain(JSON.stringify(r.reportPath));
  });
  it('mocha: the installed major picks the report channel; an unreadable or linked install fails before any run', async () => {
    await mkdir(path.join(dir, 'node_modules', 'mocha'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"1.21.5"}');
    expect((await prepareRunner(dir, { test_cmd: './node_modules/.bin/_mocha test/' }, 'auto')).plan.from).toBe('stdout');
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"10.8.2"}');
    expect((await prepareRunner(dir, { test_cmd: 'npx mocha' }, 'mocha')).plan.from).toBe('file');
    await rm(path.join(dir, 'node_modules'), { recursive: true });
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'fixbench-runner-run-nm-'));
    await mkdir(path.join(elsewhere, 'mocha'));
    await writeFile(path.join(elsewhere, 'mocha', 'package.json'), '{"version":"10.8.2"}');
    await symlink(elsewhere, path.join(dir, 'node_modules'));
    await expect(prepareRunner(dir, { test_cmd: 'npx mocha' }, 'mocha')).rejects.toThrow(/symlinked node_modules/);
    await rm(elsewhere, { recursive: true, force: true });
  });
  it('a runner run several times joined by ";" (Prism\'s eval.sh): each run gets its own report, read together in order', async () => {
    await mkdir(path.join(dir, 'node_modules', 'mocha'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"10.8.2"}');
    const cmd = './node_modules/.bin/mocha tests/run.js --reporter json --language markup ; CI=1 ./node_modules/.bin/mocha tests/run.js --reporter json --language markup!+javascript';
    const r = await prepareRunner(dir, { test_cmd: cmd }, 'mocha');
    expect(r.runs).toHaveLength(2);
    const [a, b] = r.runs.map((x) => x.reportPath);
    expect(a).toMatch(/^\.fixbench-[0-9a-f]{16}-1-report$/);
    expect(r.plan.cmd).toBe(`./node_modules/.bin/mocha tests/run.js --language markup --reporter json --reporter-option output=${a} ; CI=1 ./node_modules/.bin/mocha tests/run.js --language markup!+javascript --reporter json --reporter-option output=${b}`);
    const t = (fullTitle: string, err?: object) => ({ title: fullTitle.split(' ').at(-1), fullTitle, file: `${dir}/tests/run.js`, ...(err ? { err } : { err: {} }) });
    const rep = (tests: ReturnType<typeof t>[]) => JSON.stringify({ tests, passes: tests.filter((x) => !Object.keys(x.err).length), failures: tests.filter((x) => Object.keys(x.err).length), pending: [] });
    await writeFile(path.join(dir, a!), rep([t('markup works'), t('markup same')]));
    await writeFile(path.join(dir, b!), rep([t('js fails', { message: 'x' }), t('markup same')]));
    const out = await readRunnerResults(dir, r, '', '1', [dir], 10_000);
    expect(Object.fromEntries(out.results)).toEqual({
      'tests/run.js > markup > works': 'PASSED',
      'tests/run.js > markup > same': 'PASSED',
      'tests/run.js > js > fails': 'FAILED',
      'tests/run.js > markup > same #2': 'PASSED',
    });
    expect(out.log).toContain('--- mocha report (run 1 of 2) ---');
    expect(out.log).toContain('--- mocha report (run 2 of 2) ---');
    // A run whose report is missing (the second never ran) is no report, not a partial one.
    await rm(path.join(dir, b!));
    await expect(readRunnerResults(dir, r, '', '1', [dir], 10_000)).rejects.toThrow(/run 2 of 2/);
  });
  it('several runs must each run (";"), and each must write its report to a file', async () => {
    await mkdir(path.join(dir, 'node_modules', 'mocha'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"10.8.2"}');
    await expect(prepareRunner(dir, { test_cmd: 'mocha a && mocha b' }, 'mocha')).rejects.toThrow(/runs mocha 2 times, not all joined by ";"/);
    await expect(prepareRunner(dir, { test_cmd: 'mocha a ; mocha b | tee log ; mocha c' }, 'mocha')).rejects.toThrow(/not all joined by ";"/);
    // Commands before the first run may be joined as they like.
    expect((await prepareRunner(dir, { test_cmd: 'npm run build && mocha a ; mocha b' }, 'mocha')).runs).toHaveLength(2);
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"8.4.0"}');
    await expect(prepareRunner(dir, { test_cmd: 'mocha a ; mocha b' }, 'mocha')).rejects.toThrow(/prints its report on stdout/);
    // One run: as before.
    expect((await prepareRunner(dir, { test_cmd: 'mocha a' }, 'mocha')).runs).toHaveLength(1);
  });
  it('node-test: a command that runs node in a folder (cd packages/x && node --test) finds fixbench\'s reporter and leaves its report where fixbench reads it (newcomer19 #1)', async () => {
    const r = await prepareRunner(dir, { test_cmd: 'cd packages/x && node --test' }, 'auto');
    expect(r.plan.cmd).toContain(`--test-reporter=${path.join(await realpath(dir), r.plan.helper!.path)}`);
    expect(await runInPackageX(dir, 'cd packages/x && node --test')).toMatchObject({ 'packages/x/test/a.test.js > adds': 'PASSED', 'packages/x/test/a.test.js > fails': 'FAILED' });
  });
  it("node-test: a command that wraps node in sh -c '…' finds the reporter and leaves the report in a workspace whose path holds a space and a quote (atkD19 LOW)", async () => {
    const spaced = await mkdtemp(path.join(os.tmpdir(), "fixbench runner o'q "));
    try {
      expect(await runInPackageX(spaced, "sh -c 'cd packages/x && node --test'")).toMatchObject({ 'packages/x/test/a.test.js > adds': 'PASSED', 'packages/x/test/a.test.js > fails': 'FAILED' });
    } finally {
      await rm(spaced, { recursive: true, force: true });
    }
  });
  it('auto with no known runner names what to set', async () => {
    await expect(prepareRunner(dir, { test_cmd: 'make check' }, 'auto')).rejects.toThrow(UserInputError);
    await expect(prepareRunner(dir, { test_cmd: 'make check' }, 'auto')).rejects.toThrow(/name it \(test_report: vitest/);
  });
});
