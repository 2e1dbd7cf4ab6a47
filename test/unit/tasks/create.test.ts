import { describe, expect, it } from 'vitest';
import { DEFAULT_TEST_FILES, splitPatch, testLists } from '../../../src/tasks/create.ts';

const section = (file: string, body = '+x\n') =>
  `diff --git a/${file} b/${file}\nindex 1111111..2222222 100644\n--- a/${file}\n+++ b/${file}\n@@ -1 +1,2 @@\n a\n${body}`;
const created = (file: string) => `diff --git a/${file} b/${file}\nnew file mode 100644\nindex 0000000..2222222\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1 @@\n+y\n`;

describe('splitPatch', () => {
  it('puts test files in test.patch and the rest in gold.patch, byte for byte', () => {
    const parts = [section('src/a.js'), created('test/a.test.js'), section('lib/tests/helper.py'), section('README.md', '+crlf\r\n'), created('pkg/x_test.go')];
    const s = splitPatch(parts.join(''), DEFAULT_TEST_FILES);
    expect(s.goldFiles).toEqual(['src/a.js', 'README.md']);
    expect(s.testFiles).toEqual(['test/a.test.js', 'lib/tests/helper.py', 'pkg/x_test.go']);
    expect(s.gold).toBe(parts[0]! + parts[3]!);
    expect(s.test).toBe(parts[1]! + parts[2]! + parts[4]!);
  });

  it('follows custom rules', () => {
    const s = splitPatch(section('checks/a.js') + section('src/b.test.js'), ['checks/**']);
    expect(s.testFiles).toEqual(['checks/a.js']);
    expect(s.goldFiles).toEqual(['src/b.test.js']);
  });

  it('classifies a deleted file by its old path', () => {
    const del = 'diff --git a/test/old.js b/test/old.js\ndeleted file mode 100644\nindex 1111111..0000000\n--- a/test/old.js\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n';
    expect(splitPatch(del, DEFAULT_TEST_FILES).testFiles).toEqual(['test/old.js']);
  });
});

describe('testLists', () => {
  it('FAIL_TO_PASS passes after and not before (failed or absent); PASS_TO_PASS passes in both', () => {
    const before = { a: 'PASSED', b: 'FAILED', d: 'PASSED', e: 'SKIPPED' };
    const after = { a: 'PASSED', b: 'PASSED', c: 'PASSED', d: 'FAILED', e: 'PASSED' };
    expect(testLists(before, after)).toEqual({ FAIL_TO_PASS: ['b', 'c', 'e'], PASS_TO_PASS: ['a'] });
  });
});

describe('testLists with suites', () => {
  it('leaves out an id that has tests under it (a TAP suite point)', () => {
    const before = { 'add > adds': 'FAILED', add: 'FAILED', 'add > deep > x': 'PASSED' };
    const after = { 'add > adds': 'PASSED', add: 'PASSED', 'add > deep': 'PASSED', 'add > deep > x': 'PASSED' };
    expect(testLists(before, after)).toEqual({ FAIL_TO_PASS: ['add > adds'], PASS_TO_PASS: ['add > deep > x'] });
  });
});
