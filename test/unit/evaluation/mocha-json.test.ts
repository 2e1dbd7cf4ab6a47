import { describe, expect, it } from 'vitest';
import { parseMochaJson } from '../../../src/evaluation/parse/mocha-json.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

const ROOT = '/home/ci/repo';
const entries = (json: unknown): Record<string, string> => Object.fromEntries(parseMochaJson(JSON.stringify(json), { roots: [ROOT] }));
const t = (fullTitle: string, title: string, extra: Record<string, unknown> = {}) => ({
  title,
  fullTitle,
  file: `${ROOT}/test/math.spec.js`,
  duration: 1,
  currentRetry: 0,
  speed: 'fast',
  err: {},
  ...extra,
});
const failed = (fullTitle: string, title: string) => t(fullTitle, title, { err: { message: 'expected 1 to equal 2', stack: 'AssertionError: …' } });

/** As written by `mocha --reporter json --reporter-option output=report.json` (mocha 10), trimmed. */
const MOCHA = {
  stats: { suites: 3, tests: 4, passes: 2, pending: 1, failures: 2, start: '2024-01-01T00:00:00.000Z', end: '2024-01-01T00:00:00.050Z', duration: 50 },
  tests: [t('math add adds', 'adds'), failed('math add adds negatives', 'adds negatives'), t('math later', 'later', { duration: undefined }), t('top level', 'top level')],
  pending: [t('math later', 'later')],
  failures: [failed('math add adds negatives', 'adds negatives'), { ...failed('math mul "before each" hook for "multiplies"', '"before each" hook for "multiplies"') }],
  passes: [t('math add adds', 'adds'), t('top level', 'top level')],
};

describe('parseMochaJson', () => {
  it('reads mocha output: file relative to the root, the describe names as mocha joins them, then the title', () => {
    expect(entries(MOCHA)).toEqual({
      'test/math.spec.js > math add > adds': 'PASSED',
      'test/math.spec.js > math add > adds negatives': 'FAILED',
      'test/math.spec.js > math > later': 'SKIPPED',
      'test/math.spec.js > top level': 'PASSED',
      'test/math.spec.js > math mul > "before each" hook for "multiplies"': 'FAILED',
    });
  });

  it('never passes a test mocha did not pass: in tests only, it is FAILED with an error, else SKIPPED', () => {
    const json = { tests: [failed('a x', 'x'), t('a y', 'y')], passes: [], failures: [], pending: [] };
    expect(entries(json)).toEqual({ 'test/math.spec.js > a > x': 'FAILED', 'test/math.spec.js > a > y': 'SKIPPED' });
  });

  it('reads output of mocha before 6 (no pending list)', () => {
    const json = { stats: {}, tests: [t('a x', 'x')], passes: [t('a x', 'x')], failures: [] };
    expect(entries(json)).toEqual({ 'test/math.spec.js > a > x': 'PASSED' });
  });

  it('strips ANSI codes and an appended duration, and lets any failure win for a duplicated id', () => {
    const json = { tests: [], pending: [], passes: [t('\u001b[1ma\u001b[22m x (12ms)', 'x (12ms)')], failures: [failed('a x', 'x')] };
    expect(entries(json)).toEqual({ 'test/math.spec.js > a > x': 'FAILED' });
  });

  it('leaves out the file part when mocha wrote none', () => {
    const json = { tests: [], pending: [], failures: [], passes: [{ title: 'x', fullTitle: 'a x', err: {} }] };
    expect(entries(json)).toEqual({ 'a > x': 'PASSED' });
  });

  it.each([
    ['text that is not JSON (mocha printed to stdout instead)', '  1 passing (3ms)\n', /mocha JSON report is not valid JSON/],
    ['JSON of another shape', '{"testResults": []}', /mocha JSON report does not have the expected shape: tests: /],
    ['an entry without fullTitle', JSON.stringify({ tests: [], passes: [{ title: 'x' }], failures: [] }), /passes\.0\.fullTitle/],
  ])('throws a ReportParseError naming the problem for %s', (_what, text, message) => {
    expect(() => parseMochaJson(text)).toThrow(ReportParseError);
    expect(() => parseMochaJson(text)).toThrow(message);
  });
});
