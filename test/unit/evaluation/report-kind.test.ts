import { describe, expect, it } from 'vitest';
import { TestReport } from '../../../src/config/task.ts';
import { reportKind } from '../../../src/evaluation/parse/report-kind.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

describe('reportKind', () => {
  it.each([
    ['junit:report.xml', { kind: 'junit', path: 'report.xml' }],
    ['vitest-json:out/report.json', { kind: 'vitest-json', path: 'out/report.json' }],
    ['jest-json:report.json', { kind: 'jest-json', path: 'report.json' }],
    ['mocha-json:report.json', { kind: 'mocha-json', path: 'report.json' }],
    ['tap', { kind: 'tap' }],
    ['exit-code', { kind: 'exit-code' }],
    ['auto', { kind: 'runner', runner: 'auto' }],
    ['mocha', { kind: 'runner', runner: 'mocha' }],
    ['node-test', { kind: 'runner', runner: 'node-test' }],
    ['jasmine', { kind: 'runner', runner: 'jasmine' }],
    ['karma', { kind: 'runner', runner: 'karma' }],
  ])('reads %s', (field, kind) => {
    expect(reportKind(field)).toEqual(kind);
  });

  it.each(['junit:', 'mocha-json', 'xunit:report.xml', 'TAP'])('refuses %s with a ReportParseError listing the kinds', (field) => {
    expect(() => reportKind(field)).toThrow(ReportParseError);
    expect(() => reportKind(field)).toThrow(/expected auto, vitest, jest, mocha, tape, node-test, uvu, ava, node-tap, jasmine, karma, junit:<path>, vitest-json:<path>, jest-json:<path>, mocha-json:<path>, tap or exit-code/);
  });
});

describe('TestReport (task.yaml schema)', () => {
  it.each(['junit:report.xml', 'vitest-json:report.json', 'jest-json:out/r.json', 'mocha-json:report.json', 'tap', 'exit-code'])('accepts %s', (field) => {
    expect(TestReport.safeParse(field).success).toBe(true);
  });

  it.each([
    ['mocha-json:/tmp/report.json', /the mocha-json report path must be relative to the repository root/],
    ['jest-json:../report.json', /the jest-json report path must be relative/],
    ['junit:../../etc/report.xml', /the junit report path must be relative/],
    ['web-test-runner', /must be a runner \(auto, vitest, jest, mocha, tape, node-test, uvu, ava, node-tap, jasmine, karma\), "junit:<path>", "vitest-json:<path>", "jest-json:<path>", "mocha-json:<path>", "tap" or "exit-code"/],
  ])('refuses %s', (field, message) => {
    const res = TestReport.safeParse(field);
    expect(res.success).toBe(false);
    expect(res.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });

  it('agrees with reportKind on every kind it accepts', () => {
    for (const field of ['junit:a', 'vitest-json:a', 'jest-json:a', 'mocha-json:a', 'tap', 'exit-code', 'auto', 'vitest', 'jest', 'mocha', 'tape', 'node-test', 'uvu', 'ava', 'node-tap', 'jasmine', 'karma']) {
      expect(TestReport.safeParse(field).success).toBe(true);
      expect(() => reportKind(field)).not.toThrow();
    }
  });
});
