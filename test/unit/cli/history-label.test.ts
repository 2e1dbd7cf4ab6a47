import { describe, expect, it } from 'vitest';
import { groupLabel } from '../../../src/cli/compare.ts';

describe('groupLabel (the heading of a `fixbench history` group)', () => {
  const header = (ids: string[]) => ({ suite: { hash: 'c0ffee1234567890', instance_ids: ids }, contenders: [{ id: 'gold' }], attempts_per_task: 1, limits: { steps: 50 }, config: {} });
  it('counts the suite\'s tasks in the right number: "(1 task)", "(2 tasks)"', () => {
    expect(groupLabel(header(['t1']), 'c0ffee1234567890/9f2a0b1c00')).toBe('suite c0ffee123456 (1 task) · gold · 1 attempt(s)/task, 50 steps  [config 9f2a0b1c]\n');
    expect(groupLabel(header(['t1', 't2']), 'c0ffee1234567890/9f2a0b1c00')).toContain('(2 tasks) · gold');
  });
  it('names the suite hash once: the bracket repeats it only when the group key holds another', () => {
    expect(groupLabel(header(['t1']), 'c0ffee1234567890/9f2a0b1c00')).not.toContain('[suite');
    expect(groupLabel(header(['t1']), 'dead0000beef/9f2a0b1c00')).toContain('[suite dead0000 · config 9f2a0b1c]');
  });
});
