// A canary host that is not UTF-8 text is never rewritten (atkA20 #2): fixbench writes canaries into
// a host as text, so a Latin-1 test file would come back with U+FFFD for its own bytes and an honest
// patch would fail. Such a file gets no canary, stays byte for byte, and is named in `unhooked`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseTextOf, filesAtBase } from '../../../src/evaluation/canary-listed-hosts.ts';
import { NO_CANARY } from '../../../src/evaluation/canary-host.ts';
import { NOT_UTF8, NotUtf8Error, utf8Text } from '../../../src/evaluation/host-text.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { withoutHookCanary } from '../../../src/cli/tasks-check.ts';
import type { TaskValidation } from '../../../src/tasks/validate.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

// a PEP 263 file in Latin-1: `é` is the one byte 0xE9
const LATIN1 = Buffer.from('# -*- coding: latin-1 -*-\nfrom enc import label\n\n\ndef test_label():\n    assert label() == "caf\xe9"\n\n\ndef test_label_len():\n    assert len(label()) == 4\n', 'latin1');
const CALC = 'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_add_zero():\n    assert add(0, 3) == 3\n';
const patchAdding = (file: string, text: string): string => `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${text.split('\n').length - 1} @@\n${text.split('\n').slice(0, -1).map((l) => `+${l}`).join('\n')}\n`;
const treeOf = (dir: string, head: string): Map<string, { mode: string; id: string }> => new Map(execFileSync('git', ['ls-tree', '-r', head], { cwd: dir, encoding: 'utf8' }).trim().split('\n').map((l) => {
  const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/.exec(l)!;
  return [m[3]!, { mode: m[1]!, id: m[2]! }] as const;
}));

afterAll(() => cleanupHostRepos());

describe('utf8Text', () => {
  it('gives text that encodes back to the very bytes, a byte-order mark kept; null for bytes that are not UTF-8', () => {
    const bom = Buffer.from('\ufeffdef test_a():\n    assert f() == "é"\n', 'utf8');
    expect(Buffer.from(utf8Text(bom)!, 'utf8').equals(bom)).toBe(true);
    expect(utf8Text(LATIN1)).toBeNull();
  });
});

describe('baseTextOf on a file that is not UTF-8', () => {
  it('throws NotUtf8Error for a base blob that is not, and for a file not at base whose bytes are not; a real U+FFFD is text', async () => {
    const repo = gitRepo({ 'tests/test_enc.py': LATIN1, 'tests/test_ok.py': CALC });
    const text = baseTextOf(await hostRepoOf(repo.dir), treeOf(repo.dir, repo.head));
    await expect(text('tests/test_enc.py', LATIN1.toString('utf8'))).rejects.toBeInstanceOf(NotUtf8Error);
    writeFileSync(join(repo.dir, 'tests/test_new.py'), LATIN1);
    await expect(text('tests/test_new.py', LATIN1.toString('utf8'))).rejects.toBeInstanceOf(NotUtf8Error);
    const replacement = 'def test_a():\n    assert f() == "\ufffd"\n';
    writeFileSync(join(repo.dir, 'tests/test_real.py'), replacement);
    expect(await text('tests/test_real.py', replacement)).toBe(replacement);
    expect(await text('tests/test_ok.py', CALC)).toBe(CALC);
  });
});

describe('guardRun (pytest) with a host that is not UTF-8', () => {
  const task = (testPatch: string, listed: string[]) => ({ instance_id: 'py-enc-1', test_cmd: 'python3 -m pytest -p no:cacheprovider --junitxml=r.xml tests', test_report: 'junit:r.xml', test_patch: testPatch, FAIL_TO_PASS: ['tests/test_calc.py::test_add'], PASS_TO_PASS: listed, problem_statement: '' }) as unknown as Parameters<typeof guardRun>[1];
  const guarded = async (files: Record<string, string | Buffer>, written: Record<string, string | Buffer>, testPatch: string, listed: string[]) => {
    const repo = gitRepo(files);
    repo.write(written);
    const ws = await hostRepoOf(repo.dir);
    const guard = await guardRun(repo.dir, task(testPatch, listed), reportKind('junit:r.xml'), true, null, undefined, undefined, undefined, { files: filesAtBase(ws, repo.head), text: baseTextOf(ws, treeOf(repo.dir, repo.head)) });
    return { guard, read: (f: string): Buffer => readFileSync(join(repo.dir, f)) };
  };
  it('a listed host beyond test.patch that is Latin-1: left byte for byte, no canary, named; test.patch\'s file gets its canaries', async () => {
    const { guard, read } = await guarded({ 'tests/test_enc.py': LATIN1 }, { 'tests/test_calc.py': CALC }, patchAdding('tests/test_calc.py', CALC), ['tests/test_enc.py::test_label', 'tests/test_enc.py::test_label_len']);
    expect(guard.tampered).toBeNull();
    expect([...guard.plan!.texts.keys()]).toEqual(['tests/test_calc.py']);
    expect(read('tests/test_enc.py').equals(LATIN1)).toBe(true);
    const note = guard.plan!.unhooked!.find((u) => u.file === 'tests/test_enc.py')!;
    expect(note.why).toContain(NOT_UTF8);
    expect(note.why.endsWith(NO_CANARY)).toBe(true);
  });
  it('a file test.patch adds in Latin-1: left byte for byte, no canary, named; the listed UTF-8 host gets the canaries', async () => {
    const latin = LATIN1.toString('latin1');
    const { guard, read } = await guarded({ 'tests/test_calc.py': CALC }, { 'tests/test_enc.py': LATIN1 }, patchAdding('tests/test_enc.py', latin), ['tests/test_enc.py::test_label', 'tests/test_calc.py::test_add_zero']);
    expect(guard.tampered).toBeNull();
    expect([...guard.plan!.texts.keys()]).toEqual(['tests/test_calc.py']);
    expect(read('tests/test_enc.py').equals(LATIN1)).toBe(true);
    expect(guard.plan!.unhooked!.find((u) => u.file === 'tests/test_enc.py')!.why).toContain(NOT_UTF8);
  });
});

describe('tasks validate on a host that is not UTF-8', () => {
  it('warns that the file has no canary and says to save it as UTF-8, not to rename its tests', () => {
    const why = `listed test "tests/test_enc.py > test_label": ${NOT_UTF8}, ${NO_CANARY}`;
    const runs = { runs: [{ run: 1, phase: 'gold_and_test_patch', outcome: 'resolved', tests: {}, test_ms: 1, error: null, canaries: { fail: 'failed', pass: 'passed', unhooked: [{ file: 'tests/test_enc.py', why }] }, unprotected: null }] } as unknown as Pick<TaskValidation, 'runs'>;
    const warning = withoutHookCanary(runs)!;
    expect(warning).toMatch(/^no canary in tests\/test_enc\.py \(.*not UTF-8 text.*\): .*save the file as UTF-8/);
    expect(warning).not.toMatch(/register its tests/);
  });
});
