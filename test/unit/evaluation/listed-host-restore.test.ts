// A listed host the model's patch deleted or moved is written back as base_commit has it, with its
// canaries (integrity.ts listedReads, atkA20 #7); one test.patch deletes or renames away stays gone
// (the task's own change: atkB20 #2, git diff writes renames by default).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseTextOf, filesAtBase } from '../../../src/evaluation/canary-listed-hosts.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

const UTIL = 'from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n\n\ndef test_sub_zero():\n    assert sub(4, 0) == 4\n';
const CALC = 'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n';
const treeOf = (dir: string, head: string): Map<string, { mode: string; id: string }> => new Map(execFileSync('git', ['ls-tree', '-r', head], { cwd: dir, encoding: 'utf8' }).trim().split('\n').map((l) => {
  const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/.exec(l)!;
  return [m[3]!, { mode: m[1]!, id: m[2]! }] as const;
}));

afterAll(() => cleanupHostRepos());

describe('guardRun on a listed host absent from the workspace', () => {
  const guarded = async (testPatch: string, listed: string[], moved: boolean) => {
    const repo = gitRepo({ 'tests/test_util.py': UTIL, 'tests/test_calc.py': CALC });
    rmSync(join(repo.dir, 'tests/test_util.py'));
    if (moved) repo.write({ 'tests/test_subtract.py': UTIL });
    const ws = await hostRepoOf(repo.dir);
    const task = { instance_id: 'py-1', test_cmd: 'python3 -m pytest -p no:cacheprovider --junitxml=r.xml tests', test_report: 'junit:r.xml', test_patch: testPatch, FAIL_TO_PASS: ['tests/test_calc.py::test_add'], PASS_TO_PASS: listed, problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
    const guard = await guardRun(repo.dir, task, reportKind('junit:r.xml'), true, null, undefined, undefined, undefined, { files: filesAtBase(ws, repo.head), text: baseTextOf(ws, treeOf(repo.dir, repo.head)) });
    return { guard, dir: repo.dir };
  };
  it('deleted or moved by the patch: written back as base_commit has it, with its canaries, and planned (locked) (atkA20 #7)', async () => {
    const { guard, dir } = await guarded('', ['tests/test_util.py::test_sub'], true);
    expect(guard.tampered).toBeNull();
    expect([...guard.plan!.texts.keys()].sort()).toEqual(['tests/test_calc.py', 'tests/test_util.py']);
    const back = readFileSync(join(dir, 'tests/test_util.py'), 'utf8');
    expect(back).toBe(guard.plan!.texts.get('tests/test_util.py'));
    // the originals' bodies, whatever titles a swapped pair gave them
    for (const line of ['    assert sub(5, 3) == 2\n', '    assert sub(4, 0) == 4\n']) expect(back).toContain(line);
    expect(back.length).toBeGreaterThan(UTIL.length);
    expect(guard.owners?.get('tests/test_util.py::test_sub')).toEqual(['tests/test_util.py']);
  });
  it('a test.patch rename is no model move: a node:test host renamed away by test.patch stays gone (atkB20 #2)', async () => {
    const units = "const { describe, it } = require('node:test');\nconst assert = require('node:assert');\ndescribe('units', () => {\n  it('finds hours', () => { assert.equal(1 + 1, 2); });\n});\n";
    const rename = 'diff --git a/checks/units.js b/checks/units2.js\nsimilarity index 100%\nrename from checks/units.js\nrename to checks/units2.js\n';
    for (const testPatch of [rename, '']) {
      const repo = gitRepo({ 'checks/units.js': units });
      rmSync(join(repo.dir, 'checks/units.js'));
      repo.write({ 'checks/units2.js': units });
      const ws = await hostRepoOf(repo.dir);
      const task = { instance_id: 'js-1', test_cmd: 'node --test checks/*.js', test_report: 'tap', test_patch: testPatch, FAIL_TO_PASS: ['units > finds hours'], PASS_TO_PASS: [], problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
      const guard = await guardRun(repo.dir, task, reportKind('tap'), true, null, undefined, undefined, undefined, { files: filesAtBase(ws, repo.head), text: baseTextOf(ws, treeOf(repo.dir, repo.head)) });
      expect(guard.tampered).toBeNull();
      // renamed by test.patch: gone; moved by the patch (no test.patch entry): back, with its canaries
      expect(existsSync(join(repo.dir, 'checks/units.js'))).toBe(testPatch === '');
      expect([...(guard.plan?.texts.keys() ?? [])].includes('checks/units.js')).toBe(testPatch === '');
    }
  });
});
