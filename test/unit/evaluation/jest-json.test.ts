import { describe, expect, it } from 'vitest';
import { parseJestJson } from '../../../src/evaluation/parse/jest-json.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

const ROOT = '/tmp/vj';
const entries = (json: unknown, roots = [ROOT]): Record<string, string> => Object.fromEntries(parseJestJson(JSON.stringify(json), { roots }));

/** As written by `vitest run --reporter=json --outputFile=report.json` (vitest 4.1), trimmed. */
const VITEST = {
  numTotalTestSuites: 4,
  numFailedTests: 1,
  success: false,
  testResults: [
    {
      assertionResults: [
        { ancestorTitles: ['outer', 'inner'], fullName: 'outer inner works', status: 'passed', title: 'works', duration: 3.09, failureMessages: [], meta: {}, tags: [] },
        { ancestorTitles: ['outer', 'inner'], fullName: 'outer inner fails', status: 'failed', title: 'fails', duration: 9.27, failureMessages: ['AssertionError: expected 1 to be 2'], meta: {}, tags: [] },
        { ancestorTitles: ['outer', 'inner'], fullName: 'outer inner skipped', status: 'skipped', title: 'skipped', failureMessages: [], meta: {}, tags: [] },
        { ancestorTitles: ['outer', 'inner'], fullName: 'outer inner todo one', status: 'todo', title: 'todo one', failureMessages: [], meta: {}, tags: [] },
        { ancestorTitles: [], fullName: 'top level', status: 'passed', title: 'top level', duration: 0.29, failureMessages: [], meta: {}, tags: [] },
      ],
      startTime: 1795942857146,
      endTime: 1795942857159.2983,
      status: 'failed',
      message: '',
      name: '/tmp/vj/test/a.test.js',
    },
    {
      assertionResults: [],
      startTime: 1795942856677,
      endTime: 1795942856677,
      status: 'failed',
      message: "Cannot find module './nope.js' imported from /tmp/vj/test/broken.test.js",
      name: '/tmp/vj/test/broken.test.js',
    },
  ],
};

/** As written by `jest --json --outputFile=report.json` (Jest 29), trimmed. */
const JEST = {
  numFailedTestSuites: 0,
  numTotalTests: 4,
  success: true,
  testResults: [
    {
      assertionResults: [
        { ancestorTitles: ['math', 'add'], duration: 2, failureDetails: [], failureMessages: [], fullName: 'math add adds', invocations: 1, location: null, numPassingAsserts: 1, retryReasons: [], status: 'passed', title: 'adds' },
        { ancestorTitles: ['math'], duration: null, failureDetails: [], failureMessages: [], fullName: 'math later', invocations: 1, location: null, numPassingAsserts: 0, retryReasons: [], status: 'pending', title: 'later' },
        { ancestorTitles: ['math'], duration: null, failureDetails: [], failureMessages: [], fullName: 'math off', invocations: 1, location: null, numPassingAsserts: 0, retryReasons: [], status: 'disabled', title: 'off' },
        { ancestorTitles: ['math'], duration: null, failureDetails: [], failureMessages: [], fullName: 'math focus', invocations: 1, location: null, numPassingAsserts: 0, retryReasons: [], status: 'focused', title: 'focus' },
      ],
      endTime: 1700000000500,
      message: '',
      name: '/tmp/vj/src/__tests__/math.test.js',
      startTime: 1700000000000,
      status: 'passed',
      summary: '',
    },
  ],
  wasInterrupted: false,
};

describe('parseJestJson', () => {
  it('reads vitest output: file relative to the root, then describes, then the title; a file that did not load is ERROR', () => {
    expect(entries(VITEST)).toEqual({
      'test/a.test.js > outer > inner > works': 'PASSED',
      'test/a.test.js > outer > inner > fails': 'FAILED',
      'test/a.test.js > outer > inner > skipped': 'SKIPPED',
      'test/a.test.js > outer > inner > todo one': 'SKIPPED',
      'test/a.test.js > top level': 'PASSED',
      'test/broken.test.js': 'ERROR',
    });
  });

  it('reads Jest output: pending, disabled and focused are never a pass', () => {
    expect(entries(JEST)).toEqual({
      'src/__tests__/math.test.js > math > add > adds': 'PASSED',
      'src/__tests__/math.test.js > math > later': 'SKIPPED',
      'src/__tests__/math.test.js > math > off': 'SKIPPED',
      'src/__tests__/math.test.js > math > focus': 'SKIPPED',
    });
  });

  it('uses the root the runner saw (e.g. the workspace with symlinks resolved)', () => {
    expect(Object.keys(entries(VITEST, ['/elsewhere', '/tmp/vj']))[0]).toBe('test/a.test.js > outer > inner > works');
  });

  it('strips ANSI codes and an appended duration from every part', () => {
    const json = { testResults: [{ name: '/tmp/vj/t.test.js', assertionResults: [{ ancestorTitles: ['\u001b[1mmath\u001b[22m'], title: 'adds (3 ms)', status: 'passed' }] }] };
    expect(entries(json)).toEqual({ 't.test.js > math > adds': 'PASSED' });
  });

  it('lets any failure win for a duplicated id', () => {
    const a = (status: string) => ({ ancestorTitles: ['m'], title: 'd', status });
    const json = { testResults: [{ name: '/tmp/vj/t.test.js', status: 'failed', assertionResults: [a('passed'), a('failed'), a('skipped')] }] };
    expect(entries(json)).toEqual({ 't.test.js > m > d': 'FAILED' });
  });

  it('returns no tests for a run with no test files', () => {
    expect(parseJestJson('{"testResults": []}').size).toBe(0);
  });

  it.each([
    ['text that is not JSON', '<html>', /Jest JSON report is not valid JSON/],
    ['an empty file', '', /not valid JSON: it is empty/],
    ['JSON without testResults', '{"success": true}', /does not have the expected shape: testResults: /],
    ['an unknown test status', JSON.stringify({ testResults: [{ name: 'a', assertionResults: [{ ancestorTitles: [], title: 't', status: 'flaky' }] }] }), /testResults\.0\.assertionResults\.0\.status/],
    ['a title that is not a string', JSON.stringify({ testResults: [{ name: 'a', assertionResults: [{ ancestorTitles: [], title: 3, status: 'passed' }] }] }), /testResults\.0\.assertionResults\.0\.title/],
  ])('throws a ReportParseError naming the problem for %s', (_what, text, message) => {
    expect(() => parseJestJson(text)).toThrow(ReportParseError);
    expect(() => parseJestJson(text)).toThrow(message);
  });

  it('accepts a leading byte-order mark', () => {
    expect(parseJestJson('\uFEFF{"testResults": []}').size).toBe(0);
  });
});
