import { describe, expect, it } from 'vitest';
import { isPrintableId, normalizeTestId, normalizeTitle } from '../../../src/core/test-id.ts';
import { TaskYaml } from '../../../src/config/task.ts';
import { testIdProblem } from '../../../src/tasks/lint.ts';

describe('normalizeTitle (the one id rule)', () => {
  it('is the identity on ordinary titles, unicode and emoji included', () => {
    for (const t of ['adds two numbers', 'a > b', 'émoji 👩‍💻 ok', 'quotes "x" and \\ backslash', '']) expect(normalizeTitle(t)).toBe(t);
  });
  it('turns control and invisible characters into printable escapes', () => {
    expect(normalizeTitle('tab\there')).toBe('tab\\there');
    expect(normalizeTitle('nul\0here')).toBe('nul\\0here');
    expect(normalizeTitle('a\nb\rc')).toBe('a\\nb\\rc');
    expect(normalizeTitle('del\u007f')).toBe('del\\x7F');
    expect(normalizeTitle('esc\u001b')).toBe('esc\\x1B');
    expect(normalizeTitle('c1\u0085')).toBe('c1\\x85');
    expect(normalizeTitle('\ufeffbom')).toBe('\\u{FEFF}bom');
    expect(normalizeTitle('zw\u200bsp')).toBe('zw\\u{200B}sp');
    expect(normalizeTitle('bidi\u202e')).toBe('bidi\\u{202E}');
    expect(normalizeTitle('lone\ud800')).toBe('lone\\u{D800}');
  });
  it('is idempotent, and its output is printable', () => {
    const odd = 'x\t\0\u007f\u0085\u2028y';
    expect(normalizeTitle(normalizeTitle(odd))).toBe(normalizeTitle(odd));
    expect(isPrintableId(normalizeTitle(odd))).toBe(true);
    expect(isPrintableId(odd)).toBe(false);
  });
  it('task.yaml reads a raw id in its printable form; lint names the form to write', () => {
    const yaml = { instance_id: 'x-1', repo: 'r', base_commit: 'a'.repeat(40), test_cmd: 'node --test', test_report: 'node-test', FAIL_TO_PASS: ['f > tab\there'] };
    expect(TaskYaml.parse(yaml).FAIL_TO_PASS).toEqual(['f > tab\\there']);
    expect(testIdProblem('f > tab\there')).toMatch(/control character.*"f > tab\\\\there"/);
    expect(testIdProblem(normalizeTestId('f > tab\there'))).toBeNull();
  });
});
