// process-account.ts: which test file's process reported each test, from node's runner's own
// per-file events (run one file at a time), and the listed tests a runner file's process left out.
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeProcesses, readProcessAccount, type ProcessAccount } from '../../../src/evaluation/process-account.ts';
import { withProcessAccount } from '../../../src/evaluation/channels.ts';
import { ACCOUNT_REPORTER } from '../../../src/evaluation/channel-reporter.ts';

const ROOT = '/ws';
const lines = (...xs: object[]): string => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
const d = (f: string) => ({ k: 'd', file: `${ROOT}/${f}` });
const c = (f: string) => ({ k: 'c', file: `${ROOT}/${f}` });
const s = (n: number, name: string) => ({ k: 's', n, name });
const p = (n: number, name: string, more: object = {}) => ({ k: 'p', n, name, ...more });
const f = (n: number, name: string) => ({ k: 'f', n, name });

describe('readProcessAccount', () => {
  it("gives each file's tests by their title path, repository-relative, with their worst status; a describe's point is no test", () => {
    const at = { at: `${ROOT}/lib/cases.js` };
    const r = readProcessAccount(lines(d('test/a.test.js'), s(0, 'units'), s(1, 'reads\nms '), p(1, 'reads\nms ', at), s(1, 'skips'), p(1, 'skips', { skip: 1 }), s(1, 'twice'), p(1, 'twice'), s(1, 'twice'), f(1, 'twice'), p(0, 'units', { suite: 1 }), c('test/a.test.js'), d('test/b.test.js'), c('test/b.test.js')), ROOT);
    expect(r).toEqual({ account: new Map([['test/a.test.js', new Map([['lib/cases.js', new Map([['units > readsms', 'PASSED']])], ['', new Map([['units > skips', 'SKIPPED'], ['units > twice', 'FAILED']])]])], ['test/b.test.js', new Map()]]) });
  });
  it("is forged when a file's own events come twice (the code under test wrote the runner's events)", () => {
    const r = readProcessAccount(lines(d('a.test.js'), c('a.test.js'), d('b.test.js'), c('a.test.js'), d('a.test.js'), p(0, 't'), c('b.test.js')), ROOT);
    expect(r).toMatchObject({ forged: true, problem: expect.stringContaining('"a.test.js" ending twice') });
  });
  it('is no account node writes one file at a time: a test outside every run, a file starting while another runs, ending without starting, a cut run, a bad line', () => {
    for (const [text, says] of [
      [lines(p(0, 't')), 'outside every test file'],
      [lines(d('a.js'), d('b.js')), 'starting while "a.js" runs'],
      [lines(c('a.js')), 'ending without starting'],
      [lines(d('a.js'), p(0, 't')), 'ends while "a.js" runs'],
      [`${JSON.stringify(d('a.js'))}\n{"k":"p","n":-1,"name":"t"}\n`, 'line 2'],
      ['not json\n', 'line 1'],
    ] as const) expect(readProcessAccount(text, ROOT)).toMatchObject({ forged: false, problem: expect.stringContaining(says) });
  });
});

describe('judgeProcesses', () => {
  /** A window whose tests are written in the runner file itself. */
  const own1 = (f: string, tests: [string, 'PASSED' | 'FAILED'][]): [string, Map<string, Map<string, 'PASSED' | 'FAILED'>>] => [f, new Map([[f, new Map(tests)]])];
  const account: ProcessAccount = new Map([
    own1('a.test.js', [['units > t', 'PASSED'], ['a canary', 'PASSED']]),
    own1('b.test.mjs', [['esm > loads', 'PASSED'], ['b canary', 'FAILED']]),
    own1('c.test.js', [['cjs build > units > t', 'PASSED']]),
    own1('w.test.mjs', [['compat > units > t', 'FAILED']]),
    own1('r.test.mjs', [['units > t', 'PASSED'], ['a canary', 'PASSED']]),
  ]);
  const canary = (file: string, title: string) => ({ file, suite: '', title, must: 'FAILED' as const });
  const own = { tests: [canary('a.test.js', 'a canary'), canary('b.test.mjs', 'b canary'), canary('r.test.mjs', 'r canary')], swaps: [] };
  it("makes a listed id ERROR when a runner file's process did not report it, and names the file", () => {
    const rest = new Map<string, 'PASSED' | 'ERROR'>([['units > t', 'PASSED']]);
    const out = judgeProcesses(account, rest, new Map([['units > t', ['a.test.js', 'b.test.mjs']]]), own).notes;
    expect(rest.get('units > t')).toBe('ERROR');
    expect(out).toEqual(["\"units > t\" was not reported by the process of b.test.mjs with that file's own canaries, which runs it (2 test files do: a.test.js, b.test.mjs): ERROR"]);
  });
  it("is ERROR when the runner's process reported the id but none of its own canaries (another file's run replayed there, atkB22 #1)", () => {
    const rest = new Map<string, 'PASSED' | 'ERROR'>([['units > t', 'PASSED']]);
    expect(judgeProcesses(account, rest, new Map([['units > t', ['a.test.js', 'r.test.mjs']]]), own).notes).toHaveLength(1);
    expect(rest.get('units > t')).toBe('ERROR');
  });
  it('takes the id with more titles around it, with its status: a failure there fails the id (atkB22 #2)', () => {
    const rest = new Map<string, 'PASSED' | 'FAILED'>([['units > t', 'PASSED']]);
    expect(judgeProcesses(account, rest, new Map([['units > t', ['a.test.js', 'c.test.js']]]), own).notes).toEqual([]);
    expect(rest.get('units > t')).toBe('PASSED');
    expect(judgeProcesses(account, rest, new Map([['units > t', ['a.test.js', 'w.test.mjs']]]), own).notes).toEqual([]);
    expect(rest.get('units > t')).toBe('FAILED');
  });
  it("reads the account with the plan's swapped pairs undone (the mutant ran under the test's title)", () => {
    // a.test.js's pair swapped, in its own process and in c.test.js's (which loads it); c's own test of that id untouched
    const swapped: ProcessAccount = new Map([own1('a.test.js', [['units > t', 'FAILED'], ['a canary', 'PASSED']]), ['c.test.js', new Map([['a.test.js', new Map([['units > t', 'FAILED'], ['a canary', 'PASSED']])], ['c.test.js', new Map([['units > t', 'PASSED']])]])]]);
    const rest = new Map<string, 'PASSED' | 'FAILED'>([['units > t', 'PASSED']]);
    expect(judgeProcesses(swapped, rest, new Map([['units > t', ['a.test.js', 'c.test.js']]]), { ...own, swaps: [{ file: 'a.test.js', a: 'units > t', b: 'a canary' }] }).notes).toEqual([]);
    expect(rest.get('units > t')).toBe('PASSED');
  });
  it("is tampered when a must-fail canary passed in one runner's process while its original did not fail there (a merged report hides it: atkC22 #1)", () => {
    const plan = { tests: [{ file: 'lib/cases.js', suite: 'units', title: 't copy', must: 'FAILED' as const, original: 'units > t' }], swaps: [] };
    // in b's process the copy passed; the test it copies passed there too (bodies emptied) or failed (a wrong result the mutant happens to expect)
    const windows = (original: 'PASSED' | 'FAILED'): ProcessAccount => new Map([
      ['a.test.js', new Map([['lib/cases.js', new Map([['units > t', 'PASSED'], ['units > t copy', 'FAILED']])]])],
      ['b.test.mjs', new Map([['lib/cases.js', new Map([['units > t', original], ['units > t copy', 'PASSED']])]])],
    ]);
    const runs = new Map([['units > t', ['a.test.js', 'b.test.mjs']]]);
    expect(judgeProcesses(windows('PASSED'), new Map([['units > t', 'PASSED']]), runs, plan).tampered).toContain('"units > t copy" of lib/cases.js passed in the process of b.test.mjs');
    expect(judgeProcesses(windows('FAILED'), new Map([['units > t', 'PASSED']]), runs, plan).tampered).toBeNull();
  });
  it('leaves a one-file id and an absent one alone; a runner file node never ran did not run the id', () => {
    const rest = new Map<string, 'PASSED' | 'ERROR'>([['x > y', 'PASSED'], ['units > t', 'PASSED']]);
    expect(judgeProcesses(account, rest, new Map([['x > y', ['zz.test.js']], ['gone', ['a.test.js', 'b.test.mjs']]]), own).notes).toEqual([]);
    expect(rest.get('x > y')).toBe('PASSED');
    expect(judgeProcesses(account, rest, new Map([['units > t', ['a.test.js', 'never.test.js']]]), own).notes).toHaveLength(1);
  });
});

describe('withProcessAccount', () => {
  it("adds --test-concurrency=1 and the account reporter right after --test, taking out the command's own concurrency", () => {
    const r = withProcessAccount('cd x && node --test --test-concurrency 4 --test-reporter=junit --test-reporter-destination=r.xml test/', '/ws')!;
    expect(r.path).toMatch(/^\.fixbench-[0-9a-f]{16}\.jsonl$/);
    expect(r.cmd).toBe(`cd x && node --test --test-concurrency=1 '--test-reporter=${ACCOUNT_REPORTER}' --test-reporter-destination=/ws/${r.path} --test-reporter=junit --test-reporter-destination=r.xml test/`);
    // the script's closing quote stays (atkB22 MEDIUM 1)
    expect(withProcessAccount("sh -c 'cd test && node --test --test-concurrency=2'", '/ws')!.cmd).toMatch(/--test-reporter-destination=\/ws\/\.fixbench-[0-9a-f]{16}\.jsonl'$/);
    expect(withProcessAccount('node --test a && node --test b', '/ws')).toBeNull();
    expect(withProcessAccount('npm test', '/ws')).toBeNull();
  });

  it("node's runner writes an account that gives each file's process its own tests, a module of cases loaded by two files counted in each, a file stopped at load in none", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-account-'));
    try {
      await mkdir(path.join(dir, 'test'));
      await mkdir(path.join(dir, 'lib'));
      await writeFile(path.join(dir, 'lib', 'cases.js'), "const { describe, it } = require('node:test');\ndescribe('units', () => { it('t', async () => { await new Promise((r) => setTimeout(r, 50)); }); });\n");
      await writeFile(path.join(dir, 'test', 'a.test.js'), "require('../lib/cases.js');\n");
      await writeFile(path.join(dir, 'test', 'b.test.js'), "require('../lib/cases.js');\nrequire('node:test').test('own', () => { throw new Error('no'); });\n");
      await writeFile(path.join(dir, 'test', 'c.test.js'), "process.exit(0);\n");
      const planned = withProcessAccount('node --test --test-reporter=junit --test-reporter-destination=j.xml', dir)!;
      spawnSync('sh', ['-c', planned.cmd], { cwd: dir, stdio: 'ignore' }); // exits 1: 'own' fails
      const r = readProcessAccount(await readFile(path.join(dir, planned.path), 'utf8'), dir);
      const cases = new Map([['units > t', 'PASSED']]);
      expect(r).toEqual({ account: new Map([['test/a.test.js', new Map([['lib/cases.js', cases]])], ['test/b.test.js', new Map([['lib/cases.js', cases], ['test/b.test.js', new Map([['own', 'FAILED']])]])], ['test/c.test.js', new Map()]]) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
