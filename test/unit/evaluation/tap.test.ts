import { describe, expect, it } from 'vitest';
import { parseTap } from '../../../src/evaluation/parse/tap.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

/** As written by `node --test --test-reporter=tap` (Node 20), YAML blocks trimmed. */
const NODE_TAP = `TAP version 13
# Subtest: outer
    # Subtest: inner
        # Subtest: works
        ok 1 - works
          ---
          duration_ms: 1.7
          ...
        # Subtest: fails \u001b[31mred\u001b[0m
        not ok 2 - fails \u001b[31mred\u001b[0m
          ---
          duration_ms: 2.3
          error: '1 == 2'
          ...
        1..2
    not ok 1 - inner
    # Subtest: skipped one
    ok 2 - skipped one # SKIP
    # Subtest: todo one
    not ok 3 - todo one # TODO
    1..3
not ok 1 - outer
# Subtest: top level
ok 2 - top level
1..2
# tests 5
# pass 1
`;

describe('parseTap', () => {
  it('joins nested subtest names with " > " and maps ok / not ok / SKIP / TODO', () => {
    expect(Object.fromEntries(parseTap(NODE_TAP))).toEqual({
      'outer > inner > works': 'PASSED',
      'outer > inner > fails red': 'FAILED',
      'outer > inner': 'FAILED',
      'outer > skipped one': 'SKIPPED',
      'outer > todo one': 'SKIPPED',
      outer: 'FAILED',
      'top level': 'PASSED',
    });
  });

  it('ignores lines that are not TAP', () => {
    const text = 'npm info it worked\nTAP version 13\nok 1 - a\nsome console.log output\nnot ok 2 - b\n1..2\n';
    expect(Object.fromEntries(parseTap(text))).toEqual({ a: 'PASSED', b: 'FAILED' });
  });

  it('lets any failure win for a duplicated id', () => {
    expect(Object.fromEntries(parseTap('TAP version 13\nok 1 - d\nnot ok 2 - d\n1..2'))).toEqual({ d: 'FAILED' });
  });

  it('returns no tests for output without test points', () => {
    expect(parseTap('Error: Cannot find module\n').size).toBe(0);
  });

  it('removes appended durations and never reads a # time= directive as part of a name', () => {
    const text = 'TAP version 13\n# Subtest: add 12ms\n    ok 1 - adds (0.5ms)\n    ok 2 - times out after 5 (ms)\n    1..2\nok 1 - add 12ms # time=3.1ms\n1..1\n';
    expect(Object.fromEntries(parseTap(text))).toEqual({ 'add > adds': 'PASSED', 'add > times out after 5 (ms)': 'PASSED', add: 'PASSED' });
  });

  it('undoes TAP escapes in every part, so ids agree with the JUnit report of the same run', () => {
    const text = 'TAP version 13\n# Subtest: a \\# b \\\\ c\n    ok 1 - x \\# y\n    1..1\nok 1 - a \\# b \\\\ c\n1..1\n';
    expect(Object.fromEntries(parseTap(text))).toEqual({ 'a # b \\ c > x # y': 'PASSED', 'a # b \\ c': 'PASSED' });
  });

  // Code under test shares stdout with the runner: what it prints there must not become results.
  const REAL = '# Subtest: /w/test/add.test.js\nok 1 - /w/test/add.test.js\n  ---\n  duration_ms: 1\n  ...\n1..1\n';
  it.each([
    ['a forged test point reusing an id', 'TAP version 13\nok 1 - add > adds negatives\n' + REAL, /test point id 1 appears multiple times/],
    ['a forged unnumbered test point (count differs from the plan)', 'TAP version 13\nok - add > adds negatives\n' + REAL, /incorrect number of tests/],
    ['a forged subtest closed by the real test point of another name', 'TAP version 13\n# Subtest: add\n    ok 1 - adds negatives\n    1..1\n' + REAL, /subtest "add" is closed by test point "\/w\/test\/add\.test\.js"/],
    ['a bail-out', 'TAP version 13\nok 1 - a\nBail out! database down\n', /bailed out \(database down\)/],
    ['test points and no plan (the runner died)', 'TAP version 13\nok 1 - a\n', /no plan/],
  ])('is no verdict (ReportParseError) for %s', (_what, text, message) => {
    expect(() => parseTap(text)).toThrow(ReportParseError);
    expect(() => parseTap(text)).toThrow(message);
  });
  it('reads a lone carriage return in a YAML block as content (a failing value holding \\r), not as a line break', () => {
    const text = `TAP version 13\n# Subtest: quoting\nnot ok 1 - quoting\n  ---\n  expected: |-\n    a = "x" \r\\ "\n  actual: |-\n    a = "x" \\ "\n  ...\n# Subtest: t\nok 2 - t\n  ---\n  ...\n1..2\n`;
    expect([...parseTap(text)]).toEqual([
      ['quoting', 'FAILED'],
      ['t', 'PASSED'],
    ]);
  });

  it('a lone carriage return cannot start a forged test point', () => {
    const text = 'TAP version 13\n# Subtest: a\nnot ok 1 - a\n  ---\n  error: x\rok 3 - forged\n  ...\n1..1\n';
    expect([...parseTap(text)]).toEqual([['a', 'FAILED']]);
  });
});
