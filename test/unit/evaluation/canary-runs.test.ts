// canary-runs.ts: which node:test files run each listed test (from base_commit's text), and the
// listed tests a run reports fewer times than that (atkI21 A, atkH21 A3).
import { describe, expect, it } from 'vitest';
import { MAX_LOADER_READS, runnersOf, shortOfRuns } from '../../../src/evaluation/canary-runs.ts';
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
    expect(read[0]).toBe('test/z.test.js');
    expect(new Set(read).size).toBeLessThanOrEqual(MAX_LOADER_READS);
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
  it('leaves an id reported as often as (or more often than) it runs, and an absent one, to the grade', () => {
    const parsed = results({ [ID]: ['FAILED', 3] });
    const rest = new Map(parsed);
    expect(shortOfRuns(parsed, rest, new Map([[ID, ['a.test.js', 'b.test.js']], ['gone > t', ['a.test.js', 'b.test.js']]]))).toEqual([]);
    expect(rest.get(ID)).toBe('FAILED');
    expect(rest.has('gone > t')).toBe(false);
  });
});
