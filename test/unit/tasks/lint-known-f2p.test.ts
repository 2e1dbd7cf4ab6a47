// `tasks lint` warns when a task's failing tests are all knowable before the run and no swapped
// canary pair can hide them (lint-known-f2p.ts).
import { describe, expect, it } from 'vitest';
import { knownFailToPassWarning } from '../../../src/tasks/lint-known-f2p.ts';

// test.patch changes the call of an existing test (its expected value stays on a kept line) and adds a new test
const edit = 'diff --git a/tests/test_a.py b/tests/test_a.py\n--- a/tests/test_a.py\n+++ b/tests/test_a.py\n@@ -1,3 +1,3 @@\n def test_add():\n-    r = add(1, 2)\n+    r = add(1, 2, 3)\n     assert r == 6\n@@ -5,0 +5,3 @@\n+\n+def test_add_large():\n+    r = add(2000, 3000)\n';

describe('knownFailToPassWarning', () => {
  it('warns when each FAIL_TO_PASS title was in the file before test.patch or is in the problem statement, and test.patch writes no expected value', () => {
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['tests/test_a.py::test_add'], test_patch: edit })).toMatch(/every FAIL_TO_PASS test's title can be read before the tests run \("test_add"[\s\S]*`tasks validate` then warns the task is weakly protected/);
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['tests/test_a.py::test_add'], test_patch: edit })).not.toMatch(/canaries\.\w/); // no record field names in a user message (newcomer19 #4)
    // a new failing test (only on added lines) is hidden: no warning
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['tests/test_a.py::test_add', 'tests/test_a.py > test_add_large'], test_patch: edit })).toBeNull();
    // …unless the problem statement names it
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['tests/test_a.py > test_add_large[p-1]'], test_patch: edit, problem_statement: 'test_add_large fails' })).toMatch(/"test_add_large"/);
    // a hunk header's text counts as before test.patch; the statement is compared folded (case, spaces)
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['t.py::test_far'], test_patch: '--- a/t.py\n+++ b/t.py\n@@ -9,1 +9,1 @@ def test_far():\n-    r = f(1)\n+    r = f(2)\n' })).toMatch(/"test_far"/);
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['a > ignores a byte order mark'], test_patch: edit, problem_statement: 'It  Ignores A Byte\nOrder Mark wrongly.' })).toMatch(/byte order mark/);
    // a title found nowhere in test.patch (spelt otherwise there) is taken as hidden; no FAIL_TO_PASS, nothing to say
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['pad pads short values'], test_patch: edit })).toBeNull();
    expect(knownFailToPassWarning({ FAIL_TO_PASS: [], test_patch: edit })).toBeNull();
  });

  it('does not warn when test.patch writes an expected value a swapped canary pair can change (canary-swap.ts)', () => {
    for (const line of ['    assert r == 6', '    self.assertEqual(r, "six")', "  expect(pad('a')).toBe('a  ');", '  assert.equal(pad(1), 2);', '  assert.deepEqual(parse("x"), [1]);', '    assert ok == True']) {
      const patch = edit.replace('     assert r == 6\n', `-    assert r == 5\n+${line}\n`);
      expect(knownFailToPassWarning({ FAIL_TO_PASS: ['tests/test_a.py::test_add'], test_patch: patch }), line).toBeNull();
    }
    // an added line asserting no literal does not count
    const noLiteral = edit.replace('     assert r == 6\n', '-    assert r == 5\n+    assert r == expected\n');
    expect(knownFailToPassWarning({ FAIL_TO_PASS: ['tests/test_a.py::test_add'], test_patch: noLiteral })).toMatch(/"test_add"/);
  });
});
