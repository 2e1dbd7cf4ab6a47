// process-account.ts: which test file's process reported each test, from node's runner's own
// per-file events (run one file at a time), and the listed tests a runner file's process left out.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcessAccount, unrunInProcess, type ProcessAccount } from '../../../src/evaluation/process-account.ts';
import { withProcessAccount } from '../../../src/evaluation/channels.ts';
import { ACCOUNT_REPORTER } from '../../../src/evaluation/channel-reporter.ts';

const ROOT = '/ws';
const lines = (...xs: object[]): string => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
const d = (f: string) => ({ k: 'd', file: `${ROOT}/${f}` });
const c = (f: string) => ({ k: 'c', file: `${ROOT}/${f}` });
const s = (n: number, name: string) => ({ k: 's', n, name });
const p = (n: number, name: string) => ({ k: 'p', n, name });

describe('readProcessAccount', () => {
  it("gives each file's tests by its title path, repository-relative", () => {
    const r = readProcessAccount(lines(d('test/a.test.js'), s(0, 'units'), s(1, 'reads\nms '), p(1, 'reads\nms '), p(0, 'units'), c('test/a.test.js'), d('test/b.test.js'), c('test/b.test.js')), ROOT);
    expect(r).toEqual({ account: new Map([['test/a.test.js', new Set(['units > readsms', 'units'])], ['test/b.test.js', new Set()]]) });
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

describe('unrunInProcess', () => {
  const account: ProcessAccount = new Map([['a.test.js', new Set(['units > t'])], ['b.test.mjs', new Set(['esm > loads'])], ['c.test.js', new Set(['cjs build > units > t'])]]);
  it("makes a listed id ERROR when a runner file's process did not report it, and names the file", () => {
    const rest = new Map<string, string>([['units > t', 'PASSED']]);
    const out = unrunInProcess(account, rest, new Map([['units > t', ['a.test.js', 'b.test.mjs']]]));
    expect(rest.get('units > t')).toBe('ERROR');
    expect(out).toEqual(['"units > t" was not reported by the process of b.test.mjs, which runs it (2 test files do: a.test.js, b.test.mjs): ERROR']);
  });
  it('takes the id with more titles around it (a loader requiring the cases inside a describe), leaves a one-file id and an absent one alone', () => {
    const rest = new Map<string, string>([['units > t', 'PASSED'], ['x > y', 'PASSED']]);
    expect(unrunInProcess(account, rest, new Map([['units > t', ['a.test.js', 'c.test.js']], ['x > y', ['zz.test.js']], ['gone', ['a.test.js', 'b.test.mjs']]]))).toEqual([]);
    expect(rest.get('units > t')).toBe('PASSED');
    expect(rest.get('x > y')).toBe('PASSED');
  });
  it('a runner file node never ran did not run the id', () => {
    const rest = new Map<string, string>([['units > t', 'PASSED']]);
    expect(unrunInProcess(account, rest, new Map([['units > t', ['a.test.js', 'never.test.js']]]))).toHaveLength(1);
  });
});

describe('withProcessAccount', () => {
  it("adds --test-concurrency=1 and the account reporter right after --test, taking out the command's own concurrency", () => {
    const r = withProcessAccount('cd x && node --test --test-concurrency 4 --test-reporter=junit --test-reporter-destination=r.xml test/', '/ws')!;
    expect(r.path).toMatch(/^\.fixbench-[0-9a-f]{16}\.jsonl$/);
    expect(r.cmd).toBe(`cd x && node --test --test-concurrency=1 '--test-reporter=${ACCOUNT_REPORTER}' --test-reporter-destination=/ws/${r.path} --test-reporter=junit --test-reporter-destination=r.xml test/`);
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
      await writeFile(path.join(dir, 'test', 'b.test.js'), "require('../lib/cases.js');\nrequire('node:test').test('own', () => {});\n");
      await writeFile(path.join(dir, 'test', 'c.test.js'), "process.exit(0);\n");
      const planned = withProcessAccount('node --test --test-reporter=junit --test-reporter-destination=j.xml', dir)!;
      execFileSync('sh', ['-c', planned.cmd], { cwd: dir, stdio: 'ignore' });
      const r = readProcessAccount(await readFile(path.join(dir, planned.path), 'utf8'), dir);
      expect(r).toEqual({ account: new Map([['test/a.test.js', new Set(['units > t', 'units'])], ['test/b.test.js', new Set(['units > t', 'units', 'own'])], ['test/c.test.js', new Set()]]) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
