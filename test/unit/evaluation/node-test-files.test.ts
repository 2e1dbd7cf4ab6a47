// Which files `node --test` runs as test files, from the task's test command (node-test-files.ts,
// atkB18 #1, #2, #3, #11): the invocation's file operands (flags taking a value skipped), else node
// 20's defaults (test-file names plus every .js under a `test` directory); an unreadable command
// keeps the name rule. skipHost gives every file node runs canaries, even one another test file loads.
import { describe, expect, it } from 'vitest';
import { planCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { skipHost } from '../../../src/evaluation/canary-host.ts';
import { nodeRunsAsTest, nodeTestOperands } from '../../../src/evaluation/node-test-files.ts';

const REPORT = '--test-reporter=junit --test-reporter-destination=report.xml';
const harness = "const nodeTest = require('node:test');\nmodule.exports = { group: nodeTest.describe, check: nodeTest.it, assert: require('node:assert/strict') };\n";
const signs = "const { group, check, assert } = require('./harness');\n\ngroup('signs', () => {\n  check('doubles two', () => {\n    assert.equal(2 * 2, 4);\n  });\n});\n";
const plan = (hosts: Array<[string, string]>, test_cmd: string): CanaryPlan => {
  const p = planCanaries('node:test', new Map(hosts), null, { FAIL_TO_PASS: [], PASS_TO_PASS: [], test_patch: '', test_cmd });
  if ('unprotected' in p) throw new Error(p.unprotected);
  return p;
};

describe('the operands of the node --test invocation', () => {
  it('reads file operands, skipping flags, their separate values and redirections', () => {
    expect(nodeTestOperands(`node --test ${REPORT} test/*.test.js test/*.spec.js`)).toEqual(['test/*.test.js', 'test/*.spec.js']);
    expect(nodeTestOperands('node --import tsx -r ./setup.cjs --test --test-reporter junit --test-reporter-destination out.xml ./test/ 2> err.log')).toEqual(['test']);
    expect(nodeTestOperands(`cd . && NODE_ENV=test node --test ${REPORT}`)).toEqual([]);
    expect(nodeTestOperands('node --test "test/a b.test.js" && echo done')).toEqual(['test/a b.test.js']);
  });
  it('null when there is no readable node --test invocation', () => {
    for (const cmd of ['npm test', '', 'node scripts/run-tests.js', 'npx mocha test/']) expect(nodeTestOperands(cmd), cmd).toBeNull();
  });
});

describe('which files node runs as test files', () => {
  it('no operands: node 20 defaults, every .js/.cjs/.mjs under a test directory too (#1, #2)', () => {
    const cmd = `node --test ${REPORT}`;
    for (const f of ['test/signs.js', 'test/harness.js', 'lib/test/x.mjs', 'a.test.js', 'src/test-a.cjs']) expect(nodeRunsAsTest(f, cmd, false), f).toBe(true);
    for (const f of ['spec/signs.js', 'node_modules/x/test/a.js', 'test/a.json', 'test/a.ts', 'testing/a.js']) expect(nodeRunsAsTest(f, cmd, false), f).toBe(false);
    expect(nodeRunsAsTest('test/a.ts', 'node --import tsx --test', true)).toBe(true);
  });
  it('operands: a listed file, a glob match, or a file by default inside a listed directory only (#3, #11)', () => {
    const globs = `node --test ${REPORT} test/*.test.js test/*.spec.js`;
    expect(nodeRunsAsTest('test/signs.spec.js', globs, false)).toBe(true);
    expect(nodeRunsAsTest('test/fixtures/test-cli.js', `node --test ${REPORT} test/*.test.js`, false)).toBe(false);
    expect(nodeRunsAsTest('test/harness.js', globs, false)).toBe(false);
    expect(nodeRunsAsTest('spec/signs.js', 'node --test spec/signs.js', false)).toBe(true);
    expect(nodeRunsAsTest('spec/sub/a.test.js', 'node --test spec', false)).toBe(true);
    expect(nodeRunsAsTest('spec/sub/helper.js', 'node --test spec', false)).toBe(false);
    expect(nodeRunsAsTest('other/a.test.js', 'node --test spec', false)).toBe(false);
  });
  it('an unreadable command keeps the name rule', () => {
    expect(nodeRunsAsTest('test/signs.js', 'npm test', false)).toBe(false);
    expect(nodeRunsAsTest('test/fixtures/test-cli.js', 'npm test', false)).toBe(true);
  });
});

describe('commands read failing towards more canaries (atkC18 #1, #2, #5)', () => {
  it('a redirection is no operand: 2>&1, >&2, &> file, > file 2>&1 | tee', () => {
    for (const tail of ['2>&1', '>&2', '&> out.log', '> out.log 2>&1 | tee log', '2>/dev/null', '1>&2 </dev/null']) {
      expect(nodeTestOperands(`node --test ${REPORT} ${tail}`), tail).toEqual([]);
    }
    expect(nodeTestOperands(`node --test ${REPORT} test/a.test.js 2>&1`)).toEqual(['test/a.test.js']);
  });
  it('a wrapper before node (timeout, env, nice, exec) keeps the invocation readable', () => {
    for (const pre of ['timeout 300', 'timeout -k 5 300', 'env', 'nice -n 5', 'exec', 'env NODE_ENV=test']) {
      expect(nodeTestOperands(`${pre} node --test ${REPORT}`), pre).toEqual([]);
    }
    expect(nodeTestOperands(`echo node --test ${REPORT}`)).toBeNull();
  });
  it('an operand that may be an unknown flag\'s value, or an unreadable command with --test, keeps node\'s defaults', () => {
    for (const cmd of [`node --dns-result-order ipv4first --test ${REPORT}`, `node --unhandled-rejections strict --test ${REPORT}`, `env -u X node --test ${REPORT}`]) {
      expect(nodeRunsAsTest('test/signs.js', cmd, false), cmd).toBe(true);
    }
    // what the shell expands is no path fixbench can match (atkD18 #1): node's defaults count too
    for (const tail of ['$(ls test/*.js)', '`ls test/*.js`', '"$PWD"/test/*.js', '$(git ls-files "test/*.js")', 'spec/\\*.js', '~/x/test/*.js', '/abs/test']) {
      expect(nodeRunsAsTest('test/signs.js', `node --test ${REPORT} ${tail}`, false), tail).toBe(true);
    }
    expect(nodeRunsAsTest('test/signs.js', `bash -c "node --test ${REPORT}"`, false)).toBe(true);
    // operands that read as paths still decide alone (#11 stays)
    expect(nodeRunsAsTest('test/fixtures/test-cli.js', `node --test ${REPORT} test/*.test.js 2>&1`, false)).toBe(false);
    expect(nodeRunsAsTest('test/signs.js', 'npm test', false)).toBe(false);
  });
});

describe('a cd before node: operands and node\'s defaults are read in that folder (atkD18 #2)', () => {
  const CD = '--test-reporter=junit --test-reporter-destination=../report.xml';
  it('reads `cd <dir> &&` / `pushd <dir>;` before node: operands joined with the folder', () => {
    expect(nodeTestOperands(`cd test && node --test ${CD} *.js`)).toEqual(['test/*.js']);
    expect(nodeTestOperands(`pushd packages/x; node --test ${REPORT} ./a.test.js lib/`)).toEqual(['packages/x/a.test.js', 'packages/x/lib']);
    expect(nodeTestOperands(`cd ./test/ && node --test ${CD}`)).toEqual([]);
    for (const f of ['test/signs.js', 'test/harness.js', 'test/parse.test.js']) expect(nodeRunsAsTest(f, `cd test && node --test ${CD} *.js`, false), f).toBe(true);
    for (const f of ['signs.js', 'lib/signs.js', 'test/sub/a.js']) expect(nodeRunsAsTest(f, `cd test && node --test ${CD} *.js`, false), f).toBe(false);
  });
  it('with no operand, node\'s defaults inside the folder node runs in', () => {
    const cmd = `cd lib && node --test ${CD}`;
    for (const f of ['lib/parse.test.js', 'lib/test/x.js', 'lib/sub/test-a.mjs']) expect(nodeRunsAsTest(f, cmd, false), f).toBe(true);
    // lib/signs.js is no default test file seen from lib/ (it is no *.test.js, nor under a test/ there); nothing outside the folder runs
    for (const f of ['lib/signs.js', 'a.test.js', 'test/x.js', 'lib/sub/x.js']) expect(nodeRunsAsTest(f, cmd, false), f).toBe(false);
    expect(nodeRunsAsTest('packages/x/test/a.js', `pushd packages/x; node --test ${REPORT}`, false)).toBe(true);
  });
  it('with no operand in a folder named test, every .js/.cjs/.mjs below it (node 20.20: its test/**/* pattern matches the folder itself; atkA19 #1)', () => {
    const cmd = `cd test && node --test ${CD}`;
    for (const f of ['test/units.js', 'test/sub/b.js', 'test/x/c.mjs', 'test/x/test/d.js', 'packages/x/test/a.cjs']) expect(nodeRunsAsTest(f, f.startsWith('packages') ? `cd packages/x/test && node --test ${CD}` : cmd, false), f).toBe(true);
    for (const f of ['units.js', 'lib/a.js', 'test/node_modules/m/index.js', 'test/a.ts']) expect(nodeRunsAsTest(f, cmd, false), f).toBe(false);
    // a folder below test/ is not named test: node's defaults there only (test/x: d.js under x/test, not c.js)
    expect(nodeRunsAsTest('test/x/c.js', `cd test/x && node --test ${CD}`, false)).toBe(false);
    expect(nodeRunsAsTest('test/x/test/d.js', `cd test/x && node --test ${CD}`, false)).toBe(true);
  });
  it('a folder change it cannot read is doubtful: node\'s defaults anywhere, and operands matched against every tail of the path', () => {
    for (const pre of ['cd "$DIR" &&', 'cd $(dirname x) &&', 'cd - &&', 'cd a && cd b &&', 'cd ~/x &&', 'cd /abs &&', 'cd .. &&', 'cd test || exit 1;', 'cd &&', '( cd lib &&', '{ cd lib;', 'cd lib | true &&']) {
      const cmd = `${pre} node --test ${REPORT} *.js`;
      for (const f of ['lib/signs.js', 'test/signs.js', 'signs.js', 'a/b/c.js']) expect(nodeRunsAsTest(f, cmd, false), `${cmd}: ${f}`).toBe(true);
      expect(nodeRunsAsTest('lib/signs.txt', cmd, false), cmd).toBe(false);
    }
    expect(nodeRunsAsTest('lib/signs.js', `(cd lib && node --test ${REPORT} *.js)`, false)).toBe(true);
    expect(nodeRunsAsTest('lib/x/a.js', `cd "$D" && node --test ${REPORT} x/a.js`, false)).toBe(true);
    expect(nodeRunsAsTest('lib/y/a.js', `cd "$D" && node --test ${REPORT} x/a.js`, false)).toBe(false);
  });
  it('an operand reaching out of the folder (`cd test && node --test ../spec`) still reads; out of the repository, doubtful', () => {
    expect(nodeTestOperands(`cd test && node --test ${CD} ../spec/a.js`)).toEqual(['spec/a.js']);
    expect(nodeRunsAsTest('test/signs.js', `cd test && node --test ${CD} ../../x.js`, false)).toBe(true);
  });
  it('the canaries follow: test/signs.js, run by `cd test && node --test … *.js`, gets them', () => {
    const p = plan([['test/harness.js', harness], ['test/signs.js', signs]], `cd test && node --test ${CD} *.js`);
    expect([...p.texts.keys()]).toContain('test/signs.js');
  });
});

describe('canaries follow the command (atkB18 #1, #2, #3, #11)', () => {
  it('#1: test/signs.js and the harness under test/ both get the synthetic pair with no operands', () => {
    const p = plan([['test/harness.js', harness], ['test/signs.js', signs]], `node --test ${REPORT}`);
    expect([...p.texts.keys()].sort()).toEqual(['test/harness.js', 'test/signs.js']);
    expect(p.kind).toBe('synthetic');
  });
  it('#2: a file node runs is never a helper, though another test file loads it', () => {
    const table = "const { it: check } = require('node:test');\nconst CASES = [['a', 1]];\nfor (const [t, n] of CASES) check(t, () => {});\nmodule.exports = { CASES };\n";
    const hosts = new Map([['test/signs.js', table], ['test/format-signs.test.js', "const { CASES } = require('./signs');\n"]]);
    expect(skipHost('test/signs.js', table, { runner: 'node:test', importsNodeTest: true, testCmd: `node --test ${REPORT}`, hosts })).toBe(false);
    expect(skipHost('test/signs.js', table, { runner: 'node:test', importsNodeTest: true, testCmd: 'npm test', hosts })).toBe(true);
  });
  it('#3: a *.spec.js file named by a glob operand gets canaries; the harness it loads does not', () => {
    const p = plan([['test/harness.js', harness], ['test/signs.spec.js', signs]], `node --test ${REPORT} test/*.test.js test/*.spec.js`);
    expect([...p.texts.keys()]).toEqual(['test/signs.spec.js']);
  });
  it('#11: a test-named fixture outside the operands is left untouched', () => {
    const cli = "const { parse } = require('../../src');\nconsole.log(parse(process.argv[2]));\n";
    const t = "const { it } = require('node:test');\nconst assert = require('node:assert');\nit('prints', () => {\n  assert.equal(1, 1);\n});\n";
    const p = plan([['test/fixtures/test-cli.js', cli], ['test/cli.test.js', t]], `node --test ${REPORT} test/*.test.js`);
    expect([...p.texts.keys()]).toEqual(['test/cli.test.js']);
  });
});
