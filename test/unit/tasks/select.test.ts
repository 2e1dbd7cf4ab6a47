import { describe, expect, it } from 'vitest';
import { createdAfter } from '../../../src/tasks/select.ts';
import { createSummary, printable } from '../../../src/tasks/create-summary.ts';

const t = (instance_id: string, created_at?: string) => ({ instance_id, ...(created_at ? { created_at } : {}) });

describe('createdAfter (the contamination window)', () => {
  const tasks = [t('a', '2025-01-31T23:00:00Z'), t('b', '2025-02-01'), t('c', '2025-02-01T00:00:01+01:00'), t('d')];
  it('keeps tasks strictly after a date (its whole day) or a date-time; leaves out tasks without created_at', () => {
    expect(createdAfter(tasks, '2025-01-31').map((x) => x.instance_id)).toEqual(['b']);
    expect(createdAfter(tasks, '2025-01-31T22:00:00Z').map((x) => x.instance_id)).toEqual(['a', 'b', 'c']);
    expect(createdAfter(tasks, undefined)).toHaveLength(4);
  });
  it('refuses an unreadable date and an empty window, naming the flag', () => {
    expect(() => createdAfter(tasks, 'last year')).toThrow(/--created-after last year: give an ISO date/);
    expect(() => createdAfter(tasks, '2030-01-01')).toThrow(/no task was created after that date \(4 task\(s\), 1 without created_at\); choose an earlier date/);
    // none has created_at (a task made from a patch file): no date can help; say how to set it (newcomer13 #8)
    expect(() => createdAfter([{ instance_id: 'x-1' }], '2020-01-01')).toThrow(/no date selects a task without created_at: set created_at .* in each task\.yaml, or leave out --created-after/);
  });
});

describe('create summary', () => {
  it('escapes control characters of untrusted test ids', () => {
    expect(printable('a\tb\u0000c\u007f\u009bd é')).toBe('a\\tb\\u0000c\\u007f\\u009bd é');
  });
  it('prints counts and FAIL_TO_PASS, PASS_TO_PASS only when verbose', () => {
    const yaml = {
      instance_id: 'x', repo: 'r', base_commit: 'a'.repeat(40), setup: '', test_cmd: 'c', test_report: 'tap', timeout_s: 60, tags: [],
      FAIL_TO_PASS: ['f > \u001b[31mred'], PASS_TO_PASS: ['p > one', 'p > two'], swe_bench: { repo: 'o/n' },
    };
    const short = createSummary('/t/x', yaml, { warnings: ['w\n1'] });
    expect(short).toContain('FAIL_TO_PASS: 1  PASS_TO_PASS: 2');
    expect(short).toContain('    - f > \\u001b[31mred\n');
    expect(short).toContain('(upstream o/n)');
    expect(short).toContain('warning: w\\n1\n');
    expect(short).not.toContain('p > one');
    // eslint-disable-next-line no-control-regex
    expect(short).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(createSummary('/t/x', yaml, { verbose: true })).toContain('  PASS_TO_PASS:\n    - p > one\n    - p > two\n');
  });
});
