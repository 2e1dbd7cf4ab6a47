// canary-runs.ts: which node:test files run each listed test (from base_commit's text), and the
// listed tests a run reports fewer times than that (atkI21 A, atkH21 A3).
import { describe, expect, it } from 'vitest';
import { importsResolver, MAX_LOADER_READS, planNodeTestRuns, runnersOf, shortOfRuns } from '../../../src/evaluation/canary-runs.ts';
import { record, type TestResults } from '../../../src/evaluation/parse/index.ts';

const ID = 'parse > reads a date';
/** A repository: path → text; `filesAt` answers like git grep -l -F over it. */
function repo(files: Record<string, string>, known: Record<string, string> = {}) {
  const asked: string[][] = [];
  return {
    asked,
    ctx: {
      read: async (f: string) => files[f] ?? null,
      filesAt: async (texts: readonly string[]) => { asked.push([...texts]); return Object.keys(files).filter((f) => texts.some((t) => files[f]!.includes(t))).sort(); },
      known: new Map(Object.entries(known)),
      runs: (f: string) => /\.test\.[cm]?js$/.test(f),
    },
  };
}

describe('runnersOf', () => {
  it('counts a defining test file, and each test file loading a module of shared cases, CommonJS or ESM, directly or through a helper', async () => {
    const { ctx } = repo({
      'testlib/cases.js': "describe('parse', () => { it('reads a date', () => {}); });",
      'test/cjs.test.js': "require('../testlib/cases.js');",
      'test/esm.test.mjs': "import '../testlib/cases.js';",
      'test/helper.js': "module.exports = require('../testlib/cases');",
      'test/via-helper.test.js': "require('./helper');",
      'test/other.test.js': "require('../testlib/other-cases.js'); // cases",
      'src/cases-user.js': "require('../testlib/cases.js');", // a source module loading it: no test file runs it
    });
    const runs = await runnersOf(new Map([[ID, ['testlib/cases.js']]]), ctx);
    expect(runs.get(ID)).toEqual(['test/cjs.test.js', 'test/esm.test.mjs', 'test/via-helper.test.js']);
  });

  it('counts twin test files each defining the id, and a test file loading another test file, once each', async () => {
    const { ctx } = repo({
      'test/a.test.js': "describe('parse', () => { it('reads a date', () => {}); });",
      'test/a.test.mjs': "describe('parse', () => { it('reads a date', () => {}); });",
      'test/all.test.js': "require('./a.test.js'); require('./a.test.js');",
    });
    const runs = await runnersOf(new Map([[ID, ['test/a.test.js', 'test/a.test.mjs']]]), ctx);
    expect(runs.get(ID)).toEqual(['test/a.test.js', 'test/a.test.mjs', 'test/all.test.js']);
  });

  it("reads test.patch's files as given, finds an index module's loaders by its folder, and leaves out ids no test file runs", async () => {
    const { ctx, asked } = repo({ 'cases/index.js': "describe('parse', () => { it('reads a date', () => {}); });", 'lib/x.js': '' }, { 'test/new.test.js': "require('../cases');" });
    const runs = await runnersOf(new Map([[ID, ['cases/index.js']], ['other > t', ['lib/x.js']]]), ctx);
    expect(runs.get(ID)).toEqual(['test/new.test.js']);
    expect(runs.has('other > t')).toBe(false);
    expect(asked[0]).toEqual(expect.arrayContaining(['cases', 'x']));
  });

  it('follows what a loader loads however it names the module: an alias of createRequire, path.join, a trailing slash, package.json imports; not comments or type-only imports (atkA22 #3, #5); a loader not writing the module name is not found (git grep)', async () => {
    const { ctx } = repo({
      'package.json': JSON.stringify({ imports: { '#cases/*': './testlib/*', '#all': { node: './testlib/index.js' } } }),
      'testlib/cases.js': "describe('parse', () => { it('reads a date', () => {}); });",
      'testlib/index.js': "module.exports = require('./cases.js');",
      'test/alias.test.mjs': "import { createRequire } from 'node:module';\nconst load = createRequire(import.meta.url);\nload('../testlib/cases.js');",
      'test/join.test.js': "require(require('node:path').join(__dirname, '../testlib/cases.js'));",
      'test/slash.test.js': "require('../testlib/');",
      'test/hash.test.mjs': "import '#cases/cases.js';",
      'test/doc.test.js': "/** @type {import('../testlib/cases.js').Case[]} */\nconst x = []; // see '../testlib/cases.js'\n",
      'test/types.test.ts': "import type { Case } from '../testlib/cases.js';\nexport type { Case } from '../testlib/cases.js';",
    });
    const runs = await runnersOf(new Map([[ID, ['testlib/cases.js']]]), { ...ctx, runs: (f) => /\.test\.[cm]?[jt]s$/.test(f) });
    expect(runs.get(ID)).toEqual(['test/alias.test.mjs', 'test/hash.test.mjs', 'test/join.test.js', 'test/slash.test.js']);
  });

  it('reads package.json imports: wildcards, conditions, exact keys; nothing for bad JSON', () => {
    const r = importsResolver(JSON.stringify({ imports: { '#a/*': './lib/*', '#b': { import: './b.mjs', require: './b.cjs' }, '#c': 'some-package' } }));
    expect(r('#a/x.js')).toContain('lib/x.js');
    expect(r('#b')).toEqual(expect.arrayContaining(['b.mjs', 'b.cjs']));
    expect(r('#c')).toEqual([]);
    expect(importsResolver('{ not json')('#a/x.js')).toEqual([]);
    expect(importsResolver(null)('#a/x.js')).toEqual([]);
  });

  it('asks fewer runs, never more, when the files cannot be searched or read', async () => {
    const { ctx } = repo({ 'testlib/cases.js': '', 'test/cjs.test.js': "require('../testlib/cases.js');" });
    expect((await runnersOf(new Map([[ID, ['testlib/cases.js']]]), { ...ctx, filesAt: async () => null })).size).toBe(0);
    expect((await runnersOf(new Map([[ID, ['testlib/cases.js']]]), { ...ctx, read: async () => { throw new Error('EACCES'); } })).size).toBe(0);
  });

  it(`reads at most ${MAX_LOADER_READS} files, test files first`, async () => {
    const files: Record<string, string> = { 'testlib/cases.js': '' };
    for (let i = 0; i < MAX_LOADER_READS + 20; i++) files[`src/m${String(i).padStart(3, '0')}.js`] = '// cases';
    files['test/z.test.js'] = "require('../testlib/cases.js');";
    const read: string[] = [];
    const { ctx } = repo(files);
    const runs = await runnersOf(new Map([[ID, ['testlib/cases.js']]]), { ...ctx, read: async (f) => { read.push(f); return files[f] ?? null; } });
    expect(runs.get(ID)).toEqual(['test/z.test.js']);
    expect(read.filter((f) => f !== 'package.json')[0]).toBe('test/z.test.js');
    expect(new Set(read.filter((f) => f !== 'package.json')).size).toBeLessThanOrEqual(MAX_LOADER_READS); // and package.json, once
  });
});

describe('planNodeTestRuns', () => {
  it('makes a defining module a test file runs a canary host with its base_commit text (a patch edit to it is dropped, atkA22 #2), and each runner of an id two files run a host, with the per-process account planned', async () => {
    const base = "describe('parse', () => { it('reads a date', () => { assert.equal(d, 1); }); });\n";
    const files: Record<string, string> = { 'testlib/cases.js': base, 'test/a.test.js': "require('../testlib/cases.js');", 'test/b.test.js': "require('../testlib/cases.js');" };
    const read = async (f: string): Promise<string | null> => files[f] ?? null;
    const hosts = new Map<string, string>();
    const planned = await planNodeTestRuns(new Map([[ID, ['testlib/cases.js']]]), hosts, { read, atBase: read, filesAt: async (t) => Object.keys(files).filter((f) => t.some((x) => files[f]!.includes(x))) }, { cmd: 'node --test', testCmd: 'node --test', root: '/ws', channel: true });
    expect(planned.runs.get(ID)).toEqual(['test/a.test.js', 'test/b.test.js']);
    expect([...hosts.keys()].sort()).toEqual(['test/a.test.js', 'test/b.test.js', 'testlib/cases.js']);
    expect(hosts.get('testlib/cases.js')).toBe(base);
    expect(planned.account?.cmd).toMatch(/^node --test --test-concurrency=1 /);
    // no second channel: no account, the module still a host
    const alone = new Map<string, string>();
    expect((await planNodeTestRuns(new Map([[ID, ['testlib/cases.js']]]), alone, { read, atBase: read, filesAt: async () => ['test/a.test.js'] }, { cmd: 'node --test', testCmd: 'node --test', root: '/ws', channel: false })).account).toBeNull();
    expect([...alone.keys()]).toEqual(['testlib/cases.js']);
  });
});

describe('shortOfRuns', () => {
  const results = (counts: Record<string, [string, number]>): TestResults => {
    const r: TestResults = new Map();
    for (const [id, [st, n]] of Object.entries(counts)) for (let k = 0; k < n; k++) record(r, id, st as 'PASSED');
    return r;
  };
  it('makes an id ERROR when fewer results than running files report it, and says which files', () => {
    const parsed = results({ [ID]: ['PASSED', 2], 'x > y': ['PASSED', 1] });
    const rest = new Map(parsed);
    const lines = shortOfRuns(parsed, rest, new Map([[ID, ['test/a.test.js', 'test/b.test.mjs', 'test/c.test.js']], ['x > y', ['test/a.test.js']]]));
    expect(rest.get(ID)).toBe('ERROR');
    expect(rest.get('x > y')).toBe('PASSED');
    expect(lines).toEqual([`${JSON.stringify(ID)} was reported 2 times, but 3 test files node runs run it (test/a.test.js, test/b.test.mjs, test/c.test.js): ERROR, as one of them did not run it`]);
  });
  it("counts a runner adapter's ` #n` twins of the id", () => {
    const parsed = results({ [`t.test.js > ${ID}`]: ['PASSED', 1], [`t.test.js > ${ID} #2`]: ['PASSED', 1] });
    const rest = new Map(parsed);
    expect(shortOfRuns(parsed, rest, new Map([[`t.test.js > ${ID}`, ['t.test.js', 'u.test.js']]]))).toEqual([]);
    expect(shortOfRuns(parsed, rest, new Map([[`t.test.js > ${ID}`, ['t.test.js', 'u.test.js', 'v.test.js']]]))).toHaveLength(1);
  });
  it('leaves an id reported as often as (or more often than) it runs, and an absent one, to the grade', () => {
    const parsed = results({ [ID]: ['FAILED', 3] });
    const rest = new Map(parsed);
    expect(shortOfRuns(parsed, rest, new Map([[ID, ['a.test.js', 'b.test.js']], ['gone > t', ['a.test.js', 'b.test.js']]]))).toEqual([]);
    expect(rest.get(ID)).toBe('FAILED');
    expect(rest.has('gone > t')).toBe(false);
  });
});
