import { describe, expect, it } from 'vitest';
import { parseTap } from '../../../src/evaluation/parse/tap.ts';

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
});
