// canary-listed-hosts.ts: which files beyond test.patch's get canaries because they hold a listed test (atkC18 #7).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseTextOf, filesAtBase, listedHosts, MAX_CANDIDATES, MAX_EXTRA_HOSTS, UNFOUND, type FilesAtBase, type ListedContext } from '../../../src/evaluation/canary-listed-hosts.ts';
import { NO_CANARY } from '../../../src/evaluation/canary-host.ts';
import { planCanaries } from '../../../src/evaluation/canary.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';
import { withoutThirds } from './canary-fixture.ts';

const nodeFile = (suite: string, ...titles: string[]): string =>
  `const { describe, it } = require('node:test');\nconst assert = require('node:assert');\ndescribe(${JSON.stringify(suite)}, () => {\n${titles.map((t) => `  it(${JSON.stringify(t)}, () => { assert.equal(1 + 1, 2); });`).join('\n')}\n});\n`;

/** A workspace of `files` (path → text) and a FilesAtBase answering by plain substring search over `base` (the files at base_commit; `files` by default). */
function ctx(files: Record<string, string>, over: Partial<ListedContext> & { base?: Record<string, string> } = {}): ListedContext & { asked: string[][] } {
  const asked: string[][] = [];
  const base = over.base ?? files;
  const filesAt: FilesAtBase = async (texts) => {
    asked.push([...texts]);
    return Object.keys(base).filter((f) => texts.some((t) => base[f]!.includes(t))).sort();
  };
  return { listed: [], runner: 'node:test', testCmd: 'node --test', read: async (f) => files[f] ?? null, filesAt, asked, ...over };
}

describe('listedHosts', () => {
  it('adds the file holding a listed node:test id that test.patch does not touch (suite > title found at base_commit, parsed)', async () => {
    const files = { 'test/units.test.js': nodeFile('units', 'finds a unit', 'rejects unknown names'), 'test/parse.test.js': nodeFile('parse', 'reads') };
    const known = new Map([['test/parse.test.js', files['test/parse.test.js']]]);
    const c = ctx(files, { listed: ['parse > reads', 'units > rejects unknown names'] });
    const r = await listedHosts(known, c);
    expect([...r.hosts.keys()]).toEqual(['test/units.test.js']);
    expect(r.unhooked).toEqual([]);
    expect(c.asked).toEqual([['reads', 'rejects unknown names']]); // an id naming no file is searched even when a known host holds it
    // the added host holding its listed id (canary-check.ts judges such an id reported while every holder's canaries are missing)
    expect(r.owners).toEqual(new Map([['units > rejects unknown names', ['test/units.test.js']]]));
  });

  it('an id naming no file that a known host holds is searched all the same: another file node runs with a test of that id is a host too (atkA19 #3)', async () => {
    const files = { 'test/parse.test.js': nodeFile('parse', 'rejects unknown units'), 'test/units.test.js': nodeFile('parse', 'rejects unknown units') };
    const known = new Map([['test/parse.test.js', files['test/parse.test.js']]]);
    const r = await listedHosts(known, ctx(files, { listed: ['parse > rejects unknown units'] }));
    expect([...r.hosts.keys()]).toEqual(['test/units.test.js']);
    expect(r.unhooked).toEqual([]);
    expect(r.owners).toEqual(new Map()); // a known host holds the id too: it may be reported from there
    // …but under node:test every file node runs holding it is a holder, test.patch's too: one of them silent, the id did not run there (canary-check.ts)
    expect(r.holders).toEqual(new Map([['parse > rejects unknown units', ['test/parse.test.js', 'test/units.test.js']]]));
    // a known host node does not run as a test file holds nothing; other runners have no holders
    const fixture = new Map([['test/fixtures/parse.js', files['test/parse.test.js']]]);
    expect((await listedHosts(fixture, ctx(files, { listed: ['parse > rejects unknown units'], testCmd: 'node --test test/*.test.js' }))).holders).toEqual(new Map([['parse > rejects unknown units', ['test/parse.test.js', 'test/units.test.js']]]));
    expect((await listedHosts(known, ctx(files, { listed: ['parse > rejects unknown units'], runner: 'mocha', testCmd: 'npx mocha' }))).holders).toEqual(new Map());
  });

  it('a title a known host writes (a table loop there) is no note only when no other file writes it (atkA19 #2)', async () => {
    const loop = `const { it } = require('node:test');\nfor (const t of ['rejects invalid input']) it(t, () => {});\n`;
    const known = new Map([['test/format.test.js', loop]]);
    const alone = await listedHosts(known, ctx({ 'test/format.test.js': loop }, { listed: ['units > rejects invalid input'] }));
    expect(alone.unhooked).toEqual([]);
    // the same title in a file fixbench does not take for one node runs (named units.js, outside test/): noted
    const files = { 'test/format.test.js': loop, 'lib/units.js': nodeFile('units', 'rejects invalid input') };
    const r = await listedHosts(known, ctx(files, { listed: ['units > rejects invalid input'] }));
    expect([...r.hosts.keys()]).toEqual([]);
    expect(r.unhooked).toHaveLength(1);
    expect(r.unhooked[0]!.why).toContain('"units > rejects invalid input"');
  });

  it('a file node runs that writes a listed title no parsed test has (a table loop) is a host, even when a test.patch file holds the id (atkB19 #2)', async () => {
    const table = `const { describe, it } = require('node:test');\ndescribe('parse', () => {\n  for (const t of ['rejects an empty string']) it(t, () => {});\n});\n`;
    const files = { 'test/parse.test.js': nodeFile('parse', 'rejects an empty string'), 'test/parse-table.test.js': table, 'lib/notes.js': "// rejects an empty string\n" };
    const known = new Map([['test/parse.test.js', files['test/parse.test.js']]]);
    const r = await listedHosts(known, ctx(files, { listed: ['parse > rejects an empty string'] }));
    expect([...r.hosts.keys()]).toEqual(['test/parse-table.test.js']);
    expect(r.unhooked).toEqual([]);
  });

  it('a table of titles another file loads is no writer host (its canaries would run in every file loading it: atkC19 #2): a note instead', async () => {
    const cases = `module.exports = ['finds a unit', 'rejects unknown names'];\n`;
    const loop = `const { describe, it } = require('node:test');\nconst cases = require('./unit-cases');\ndescribe('units', () => { for (const c of cases) it(c, () => {}); });\n`;
    const files = { 'test/unit-cases.js': cases, 'test/units.test.js': loop };
    const r = await listedHosts(new Map(), ctx(files, { listed: ['units > rejects unknown names'] }));
    expect([...r.hosts.keys()]).toEqual([]);
    expect(r.unhooked).toHaveLength(1);
  });

  it('files holding a parsed listed test come before files that only write a title, so writers cannot use up the cap (atkC19 #4)', async () => {
    const files: Record<string, string> = { 'test/units.test.js': nodeFile('units', 'rejects unknown names') };
    const writers = MAX_EXTRA_HOSTS + 1;
    for (let i = 0; i < writers; i++) files[`test/w${String(i).padStart(2, '0')}.test.js`] = `const { it } = require('node:test');\nfor (const t of ['works']) it(t, () => {});\n`;
    const r = await listedHosts(new Map(), ctx(files, { listed: ['table > works', 'units > rejects unknown names'] }));
    expect(r.hosts.has('test/units.test.js')).toBe(true);
    expect(r.hosts.size).toBe(MAX_EXTRA_HOSTS);
  });

  it('a writer writes the title in quotes: a longer title holding it is no writer', async () => {
    const files = { 'test/a.test.js': `const { it } = require('node:test');\nfor (const t of ['works for 10 seconds']) it(t, () => {});\n`, 'test/b.test.js': `const { it } = require('node:test');\nfor (const t of ["works"]) it(t, () => {});\n` };
    const r = await listedHosts(new Map(), ctx(files, { listed: ['table > works'] }));
    expect([...r.hosts.keys()]).toEqual(['test/b.test.js']);
  });

  it('takes the file an id names (vitest, mocha JSON) when a parsed test has the id; a named file without it is a note', async () => {
    const files = { 'test/a.test.ts': `import { describe, it, expect } from 'vitest';\ndescribe('a', () => { it('works', () => { expect(1).toBe(1); }); });\n`, 'test/b.test.ts': `import { it } from 'vitest';\nfor (const n of [1, 2]) it('case ' + n, () => {});\n` };
    const r = await listedHosts(new Map(), ctx(files, { runner: 'vitest', testCmd: 'npx vitest run', listed: ['test/a.test.ts > a > works', 'test/b.test.ts > case 1'] }));
    expect([...r.hosts.keys()]).toEqual(['test/a.test.ts']);
    expect(r.unhooked).toHaveLength(1);
    expect(r.unhooked[0]).toMatchObject({ file: 'test/b.test.ts' });
    expect(r.unhooked[0]!.why).toContain('"test/b.test.ts > case 1"');
    expect(r.unhooked[0]!.why.endsWith(NO_CANARY)).toBe(true);
  });

  it('mocha JSON ids: nested describes are one part joined by a space', async () => {
    const files = { 'test/parse.spec.js': `describe('parse', () => {\n  describe('rows', () => {\n    it('splits lines', () => { assert.equal(1, 1); });\n  });\n});\n` };
    const r = await listedHosts(new Map(), ctx(files, { runner: 'mocha', testCmd: 'npx mocha', listed: ['test/parse.spec.js > parse rows > splits lines'] }));
    expect([...r.hosts.keys()]).toEqual(['test/parse.spec.js']);
    expect(r.unhooked).toEqual([]);
  });

  it('a runner rooted in a package folder: an id naming test/a.test.js finds packages/x/test/a.test.js at base_commit, not another package\'s file without it', async () => {
    const files = { 'packages/x/test/a.test.js': nodeFile('a', 'works'), 'packages/y/test/b.test.js': nodeFile('a', 'works') };
    const r = await listedHosts(new Map(), ctx(files, { runner: 'jest', testCmd: 'npx jest', listed: ['test/a.test.js > a > works', 'test/c.test.js > a > works'] }));
    expect([...r.hosts.keys()]).toEqual(['packages/x/test/a.test.js']);
    expect(r.unhooked).toEqual([expect.objectContaining({ file: 'test/c.test.js' })]);
  });

  it('a package-rooted id whose path is also an unrelated root file searches the package files too; a root file with the same id is a host beside them (atkA20 #4)', async () => {
    const real = "import { describe, it, expect } from 'vitest';\ndescribe('parse', () => { it('reads numbers', () => { expect(Number('2')).toBe(2); }); });\n";
    const other = "import { describe, it, expect } from 'vitest';\ndescribe('root', () => { it('builds', () => { expect(1).toBe(1); }); });\n";
    const run = (root: string | null) => {
      const files: Record<string, string> = { 'packages/x/test/a.test.ts': real, ...(root === null ? {} : { 'test/a.test.ts': root }) };
      return listedHosts(new Map(), ctx(files, { runner: 'vitest', testCmd: 'cd packages/x && npx vitest run', listed: ['test/a.test.ts > parse > reads numbers'] }));
    };
    const unrelated = await run(other);
    expect([...unrelated.hosts.keys()]).toEqual(['packages/x/test/a.test.ts']);
    expect(unrelated.unhooked).toEqual([]);
    const same = await run(real);
    expect([...same.hosts.keys()].sort()).toEqual(['packages/x/test/a.test.ts', 'test/a.test.ts']);
    expect(same.unhooked).toEqual([]);
    // neither the root file nor a package file holds it: one note on the id's path, saying the root file has no such test
    const none = await listedHosts(new Map(), ctx({ 'test/a.test.ts': other }, { runner: 'vitest', testCmd: 'npx vitest run', listed: ['test/a.test.ts > parse > reads numbers'] }));
    expect(none.hosts.size).toBe(0);
    expect(none.unhooked).toEqual([expect.objectContaining({ file: 'test/a.test.ts', why: expect.stringMatching(/no test fixbench parses there has this id.*no file at base_commit whose path ends in it/) })]);
  });

  it('an id naming a test.patch file with a folder still finds the package files ending in its path (atkD21 F: `cd packages/x && vitest`); a test.patch file in a package covers its package-rooted ids (no note)', async () => {
    const real = "import { describe, it, expect } from 'vitest';\ndescribe('sub', () => { it('subtracts', () => { expect(5 - 3).toBe(2); }); });\n";
    const files = { 'packages/x/test/util.test.ts': real, 'test/util.test.ts': real, 'packages/x/test/calc.test.ts': real.replace("'sub'", "'calc'") };
    const known = new Map([['test/util.test.ts', real], ['packages/x/test/calc.test.ts', files['packages/x/test/calc.test.ts']]]);
    const r = await listedHosts(known, ctx(files, { runner: 'vitest', testCmd: 'cd packages/x && npx vitest run', listed: ['test/util.test.ts > sub > subtracts', 'test/calc.test.ts > calc > subtracts'] }));
    expect([...r.hosts.keys()]).toEqual(['packages/x/test/util.test.ts']);
    expect(r.unhooked).toEqual([]);
    // the root file holds the first id as well: no owner is judged for it (the root file may be the one the runner runs); the
    // package's test.patch file owns the second (silent while its id is reported: the id came from elsewhere)
    expect(r.owners).toEqual(new Map([['test/calc.test.ts > calc > subtracts', ['packages/x/test/calc.test.ts']]]));
  });

  it(`caps candidates at ${MAX_CANDIDATES} among files node runs: source files writing a common title do not crowd out its holder`, async () => {
    const files: Record<string, string> = { 'test/units.test.js': nodeFile('units', 'works') };
    for (let i = 0; i < MAX_CANDIDATES + 4; i++) files[`lib/m${String(i).padStart(3, '0')}.js`] = `// works\nmodule.exports = 'works';\n`;
    const r = await listedHosts(new Map(), ctx(files, { listed: ['units > works'] }));
    expect([...r.hosts.keys()]).toEqual(['test/units.test.js']);
    expect(r.unhooked).toEqual([]);
  });

  it('of two files writing a listed title, keeps only the one whose suites and title make the id', async () => {
    const files = { 'test/a.test.js': nodeFile('units', 'returns undefined'), 'test/b.test.js': nodeFile('format', 'returns undefined') };
    const r = await listedHosts(new Map(), ctx(files, { listed: ['units > returns undefined'] }));
    expect([...r.hosts.keys()]).toEqual(['test/a.test.js']);
  });

  it('keeps both when both files register the listed id (node:test reports the two under one id)', async () => {
    const files = { 'test/a.test.js': nodeFile('units', 'returns undefined'), 'test/b.test.js': nodeFile('units', 'returns undefined') };
    const r = await listedHosts(new Map(), ctx(files, { listed: ['units > returns undefined'] }));
    expect([...r.hosts.keys()].sort()).toEqual(['test/a.test.js', 'test/b.test.js']);
  });

  it('leaves out a file node does not run as a test file (by the command\'s operands, or its defaults), and notes the test', async () => {
    const files = { 'lib/examples.js': nodeFile('units', 'returns undefined'), 'test/units.test.js': nodeFile('units', 'finds') };
    const r = await listedHosts(new Map(), ctx(files, { listed: ['units > returns undefined', 'units > finds'], testCmd: 'node --test test/' }));
    expect([...r.hosts.keys()]).toEqual(['test/units.test.js']);
    expect(r.unhooked).toEqual([expect.objectContaining({ file: UNFOUND, why: expect.stringContaining('"units > returns undefined"') })]);
  });

  it('searches the files at base_commit, never the workspace listing: a file only the patched tree has is no candidate', async () => {
    const files = { 'test/units.test.js': nodeFile('units', 'finds'), 'test/planted.test.js': nodeFile('units', 'finds') };
    const r = await listedHosts(new Map(), ctx(files, { listed: ['units > finds'], base: { 'test/units.test.js': files['test/units.test.js'] } }));
    expect([...r.hosts.keys()]).toEqual(['test/units.test.js']);
  });

  it(`stops at ${MAX_EXTRA_HOSTS} extra files and notes each test beyond the cap`, async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < MAX_EXTRA_HOSTS + 2; i++) files[`test/f${String(i).padStart(2, '0')}.test.js`] = nodeFile(`s${i}`, `t${i}`);
    const listed = Object.keys(files).map((_, i) => `s${i} > t${i}`);
    const r = await listedHosts(new Map(), ctx(files, { listed }));
    expect(r.hosts.size).toBe(MAX_EXTRA_HOSTS);
    expect(r.unhooked.map((u) => u.why.match(/over the cap/)?.[0])).toEqual(['over the cap', 'over the cap']);
  });

  it('notes every unfound test when base_commit cannot be searched', async () => {
    const r = await listedHosts(new Map(), { ...ctx({}), listed: ['units > finds'], filesAt: async () => null });
    expect(r.hosts.size).toBe(0);
    expect(r.unhooked[0]!.why).toContain('could not be searched');
  });

  it('pytest: the collected file an id names (path::name and path > name), not one pytest does not collect', async () => {
    const files = { 'tests/test_units.py': 'def test_finds():\n    assert 1 == 1\n', 'tests/helpers.py': 'def test_x():\n    pass\n' };
    const r = await listedHosts(new Map(), ctx(files, { runner: 'pytest', python: true, listed: ['tests/test_units.py::test_finds', 'tests/helpers.py > test_x'] }));
    expect([...r.hosts.keys()]).toEqual(['tests/test_units.py']);
    expect(r.unhooked[0]!.why).toContain('names no file pytest collects');
  });
});

describe('filesAtBase', () => {
  afterAll(() => cleanupHostRepos());
  it('lists the files of the commit writing a text (not the work tree\'s), repository-relative; null when git fails', async () => {
    const repo = gitRepo({ 'test/units.test.js': "it('returns undefined for unknown names', () => {});\n", 'src/index.js': 'module.exports = {};\n' });
    writeFileSync(join(repo.dir, 'test', 'planted.test.js'), "it('returns undefined for unknown names', () => {});\n");
    const ws = await hostRepoOf(repo.dir);
    expect(await filesAtBase(ws, repo.head)(['returns undefined for unknown names', 'nowhere'])).toEqual(['test/units.test.js']);
    expect(await filesAtBase(ws, repo.head)(['nowhere'])).toEqual([]);
    expect(await filesAtBase({ dir: repo.dir, gitDir: join(ws.gitDir, 'missing') }, repo.head)(['module'])).toBeNull();
  });
  it('remembers an answer per commit and texts (any order, repeats): a later grading of the commit runs no grep; a failed one is not remembered', async () => {
    const repo = gitRepo({ 'test/a.test.js': "it('adds', () => {});\n", 'test/b.test.js': "it('subtracts', () => {});\n" });
    const ws = await hostRepoOf(repo.dir);
    const broken = { dir: repo.dir, gitDir: join(ws.gitDir, 'missing') }; // git cannot run there: only a remembered answer comes back
    expect(await filesAtBase(broken, repo.head)(['adds'])).toBeNull();
    expect(await filesAtBase(ws, repo.head)(['adds', 'subtracts'])).toEqual(['test/a.test.js', 'test/b.test.js']);
    const again = await filesAtBase(broken, repo.head)(['subtracts', 'adds', 'adds']);
    expect(again).toEqual(['test/a.test.js', 'test/b.test.js']);
    again!.pop(); // each call gets its own array
    expect(await filesAtBase(broken, repo.head)(['adds', 'subtracts'])).toHaveLength(2);
    expect(await filesAtBase(ws, repo.head)(['adds'])).toEqual(['test/a.test.js']); // the null was not remembered
  });
});

describe('baseTextOf', () => {
  afterAll(() => cleanupHostRepos());
  it('gives the workspace text when it is the base blob, the base blob when the patch changed it, the workspace for a path not at base, null for a link at base', async () => {
    const units = "it('returns undefined for unknown names', () => {});\n";
    const repo = gitRepo({ 'test/units.js': units, 'test/other.js': 'module.exports = 1;\n' });
    const tree = new Map(execFileSync('git', ['ls-tree', '-r', repo.head], { cwd: repo.dir, encoding: 'utf8' }).trim().split('\n').map((l) => {
      const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/.exec(l)!;
      return [m[3]!, { mode: m[1]!, id: m[2]! }] as const;
    }));
    const text = baseTextOf(await hostRepoOf(repo.dir), tree);
    expect(await text('test/units.js', units)).toBe(units);
    const edited = "it(Buffer.from('cmV0dXJucw==', 'base64').toString(), () => {});\n";
    expect(await text('test/units.js', edited)).toBe(units);
    expect(await text('test/new.js', edited)).toBe(edited);
    expect(await baseTextOf(await hostRepoOf(repo.dir), new Map([['test/units.js', { mode: '120000', id: tree.get('test/units.js')!.id }]]))('test/units.js', edited)).toBeNull();
  });
});

describe('planCanaries on a listed host beyond test.patch\'s files', () => {
  it('gives it one must-fail copy and no hook canary; test.patch\'s own file keeps up to 3 and its hook canary', () => {
    const titles = ['adds one', 'adds two', 'adds three', 'adds four', 'adds five'];
    const file = (suite: string): string => `const { describe, it } = require('node:test');\nconst assert = require('node:assert');\ndescribe(${JSON.stringify(suite)}, () => {\n${titles.map((t, i) => `  it(${JSON.stringify(`${suite} ${t}`)}, () => { assert.equal(${i} + 1, ${i + 1}); });`).join('\n')}\n});\n`;
    const a = file('alpha');
    const testPatch = `diff --git a/test/a.test.js b/test/a.test.js\n--- a/test/a.test.js\n+++ b/test/a.test.js\n@@ -8,0 +9,1 @@\n+// more\n`;
    const hosts = new Map([['test/a.test.js', a], ['test/b.test.js', file('beta')]]);
    for (let round = 0; round < 5; round++) {
      const plan = planCanaries('node:test', hosts, null, { FAIL_TO_PASS: [], PASS_TO_PASS: [], test_patch: testPatch });
      if ('unprotected' in plan) throw new Error(plan.unprotected);
      const of = (f: string) => plan.tests.filter((t) => t.file === f);
      expect(withoutThirds(of('test/b.test.js')).filter((t) => t.must === 'FAILED')).toHaveLength(1);
      expect(of('test/b.test.js').some((t) => t.hook)).toBe(false);
      expect(withoutThirds(of('test/a.test.js')).filter((t) => t.must === 'FAILED' && !t.hook).length).toBeGreaterThan(1);
      expect(of('test/a.test.js').some((t) => t.hook)).toBe(true);
    }
  });
});
