// Files the test runner loads around every test file (vitest's and jest's setupFiles, mocha's
// --require): a hook there reading the running test's name leaves no host copied (canary-setup-files.ts),
// as a host reading it itself is not copied; configs read as the runner would name the files.
import { afterAll, describe, expect, it } from 'vitest';
import { setupFilesOf, setupNamesTests, setupReadsTestNames } from '../../../src/evaluation/canary-setup-files.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseTextOf, filesAtBase } from '../../../src/evaluation/canary-listed-hosts.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

afterAll(() => cleanupHostRepos());

const reader = (files: Record<string, string>) => async (f: string): Promise<string | null> => files[f] ?? null;

describe('setupFilesOf', () => {
  it('names the files of the setup keys of the root configs and of the command\'s flags, not other paths of package.json', async () => {
    const files = {
      'vitest.config.ts': "export default defineConfig({ test: { setupFiles: ['./test/setup.ts', 'test/more.ts'], include: ['test/**/*.test.ts'] } });\n",
      'package.json': JSON.stringify({ main: 'index.js', exports: { require: './dist/x.cjs' }, jest: { setupFilesAfterEach: ['<rootDir>/jest.setup.js'] } }),
      '.mocharc.yml': 'spec: test/**/*.spec.js\nrequire:\n  - test/hooks.js\n  - ts-node/register\n',
    };
    const got = await setupFilesOf('npx mocha --require ./test/root-hooks.js', reader(files));
    for (const f of ['test/setup.ts', 'test/more.ts', 'jest.setup.js', 'test/hooks.js', 'test/root-hooks.js']) expect(got).toContain(f);
    for (const f of ['index.js', 'dist/x.cjs']) expect(got).not.toContain(f);
    expect(got.some((f) => f.includes('ts-node') || f.includes('*'))).toBe(false);
  });
});

describe('setupNamesTests', () => {
  const config = { 'vitest.config.ts': "export default { test: { setupFiles: ['./test/setup.ts'] } };\n" };
  it.each([
    ['a hook destructuring the context', "import { beforeEach } from 'vitest';\nbeforeEach(({ task }) => { log(task.name); });\n"],
    ['expect.getState()', "import { beforeEach, expect } from 'vitest';\nbeforeEach(() => { log(expect.getState().currentTestName); });\n"],
  ])('true for a setup file reading the name: %s', async (_, setup) => {
    expect(await setupNamesTests('npx vitest run', reader({ ...config, 'test/setup.ts': setup }))).toBe(true);
  });
  it('false for a setup file that reads no name, for a config naming none, for a setup file absent', async () => {
    expect(await setupNamesTests('npx vitest run', reader({ ...config, 'test/setup.ts': "import { afterEach, vi } from 'vitest';\nafterEach(() => { vi.clearAllMocks(); });\n" }))).toBe(false);
    expect(await setupNamesTests('npx vitest run', reader({ 'test/setup.ts': 'beforeEach(({ task }) => log(task.name));\n' }))).toBe(false);
    expect(await setupNamesTests('npx vitest run', reader(config))).toBe(false);
  });
  it('a setup file babel cannot parse counts as reading (fail closed)', () => {
    expect(setupReadsTestNames('test/setup.ts', 'beforeEach((t) => {')).toBe(true);
  });
});

describe('guardRun with a setup file', () => {
  const host = "import { expect, it } from 'vitest';\nit('adds one', () => {\n  expect(1 + 1).toBe(2);\n});\nit('adds two', () => {\n  expect(2 + 2).toBe(4);\n});\n";
  const guard = async (setup: string) => {
    const repo = gitRepo({ 'vitest.config.ts': "export default { test: { setupFiles: ['./test/setup.ts'] } };\n", 'test/setup.ts': setup, 'test/a.test.ts': host, 'package.json': '{"type":"module"}' });
    const task = { instance_id: 'ts-1', test_cmd: 'npx vitest run', test_report: 'vitest-json:r.json', test_patch: '', FAIL_TO_PASS: ['test/a.test.ts > adds one'], PASS_TO_PASS: ['test/a.test.ts > adds two'], problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
    return guardRun(repo.dir, task, reportKind('vitest-json:r.json'), true, null);
  };
  it('a setup file reading the name leaves every host uncopied (the synthetic pair); one reading none leaves copies', async () => {
    const named = await guard("import { beforeEach } from 'vitest';\nbeforeEach(({ task }) => { globalThis.current = task.name; });\n");
    expect(named.plan!.kind).toBe('synthetic');
    expect(named.plan!.tests.every((t) => t.original === undefined)).toBe(true);
    const plain = await guard("import { afterEach, vi } from 'vitest';\nafterEach(() => { vi.clearAllMocks(); });\n");
    expect(plain.plan!.kind).toBe('mutated');
    expect(plain.plan!.tests.some((t) => t.original !== undefined)).toBe(true);
  });
});

describe('guardRun reads name-reading modules only as base_commit or test.patch holds them (atkF21 C)', () => {
  it('a file the patch added that a specifier may stand for (index.ts beside package.json main) does not leave the hosts uncopied', async () => {
    const host = "import { expect, it } from 'vitest';\nimport { add } from '..';\nit('adds one', () => {\n  expect(add(1, 1)).toBe(2);\n});\nit('adds two', () => {\n  expect(add(2, 2)).toBe(4);\n});\n";
    const repo = gitRepo({ 'test/a.test.ts': host, 'index.js': 'exports.add = (a, b) => a + b;\n', 'package.json': '{"main":"index.js"}' });
    const tree = new Map(execFileSync('git', ['ls-tree', '-r', repo.head], { cwd: repo.dir, encoding: 'utf8' }).trim().split('\n').map((l) => {
      const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/.exec(l)!;
      return [m[3]!, { mode: m[1]!, id: m[2]! }] as const;
    }));
    writeFileSync(join(repo.dir, 'index.ts'), '// expect.getState() decoy: never loaded\n');
    const ws = await hostRepoOf(repo.dir);
    const task = { instance_id: 'ts-1', test_cmd: 'npx vitest run', test_report: 'vitest-json:r.json', test_patch: '', FAIL_TO_PASS: ['test/a.test.ts > adds one'], PASS_TO_PASS: ['test/a.test.ts > adds two'], problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
    const withBase = await guardRun(repo.dir, task, reportKind('vitest-json:r.json'), true, null, undefined, undefined, undefined, { files: filesAtBase(ws, repo.head), text: baseTextOf(ws, tree) });
    expect(withBase.plan!.kind).toBe('mutated');
    expect(withBase.plan!.tests.some((t) => t.original !== undefined)).toBe(true);
    // without base_commit's tree (`tasks lint`, unit tests) every file is read: the decoy counts
    expect((await guardRun(repo.dir, task, reportKind('vitest-json:r.json'), true, null)).plan!.kind).toBe('synthetic');
  });
});
