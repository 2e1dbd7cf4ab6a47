// The protection rule's glob lists are compiled once per list and shared by every attempt's rule.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileRule, DEFAULT_TEST_FILES, globMatcher } from '../../../src/evaluation/protected-rule.ts';

describe('globMatcher', () => {
  it('answers as picomatch with dot files, and an equal list (a new array) gets the one compiled matcher', () => {
    const globs = ['**/test/**', 'src/*.spec.js'];
    const m = globMatcher(globs);
    expect(globMatcher([...globs])).toBe(m);
    expect(globMatcher(['src/*.spec.js', '**/test/**'])).not.toBe(m);
    const ref = picomatch([...globs], { dot: true });
    for (const p of ['test/a.js', '.hidden/test/b.js', 'src/a.spec.js', 'src/.a.spec.js', 'src/x/a.spec.js', 'lib/a.js', 'test']) expect(m(p), p).toBe(ref(p));
  });

  it('two rules compiled for one task share their matchers and give the same verdicts', () => {
    const o = { testFiles: DEFAULT_TEST_FILES, testPatchPaths: ['test/a.test.js'], add: ['conf/*.json'], allow: ['test/fixtures/**'], ignored: new Set<string>() };
    const a = compileRule({ test_cmd: 'npm test' }, o);
    const b = compileRule({ test_cmd: 'npm test' }, { ...o, add: [...o.add], allow: [...o.allow] });
    for (const p of ['test/a.test.js', 'test', 'test/fixtures/x.json', 'conf/a.json', 'src/a.js', 'jest.config.js', 'src/b_test.mjs']) expect(b.reason(p), p).toBe(a.reason(p));
    expect(a.reason('conf/a.json')).toBe('task');
    expect(a.allowed('test/fixtures/x.json')).toBe(true);
  });
});
