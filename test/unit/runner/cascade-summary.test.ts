import { describe, expect, it } from 'vitest';
import { SUMMARY_OUTPUT_CHARS, SUMMARY_STEPS, summariseStages, withEarlierStages } from '../../../src/runner/cascade-summary.ts';
import type { TaskSpec } from '../../../src/config/task.ts';

const step = (n: number, command: string | null, observation = `out ${n}`) => ({ step: n, thought: null, command, observation, call: null, context_tokens: 0 });

describe('--cascade-mode continue: the earlier stage summarised', () => {
  it('names the stage, why it escalated, and quotes its last commands with their outputs', () => {
    const text = summariseStages([{ contender: 'cheap', reason: 'visible check failed: 2 of 30 visible PASS_TO_PASS test(s) failed', steps: [step(1, 'ls'), step(2, null), step(3, 'cat src/a.js')] }]);
    expect(text).toContain('their changes are still in the files');
    expect(text).toContain('Attempt 1 (cheap) ended: visible check failed: 2 of 30 visible PASS_TO_PASS test(s) failed.');
    expect(text).toContain('Its 2 command(s) and their output:\n$ ls\nout 1\n$ cat src/a.js\nout 3');
  });

  it(`keeps only the last ${SUMMARY_STEPS} commands and cuts long outputs head and tail`, () => {
    const steps = Array.from({ length: SUMMARY_STEPS + 3 }, (_, i) => step(i + 1, `cmd-${i + 1}`, i === SUMMARY_STEPS + 2 ? 'x'.repeat(SUMMARY_OUTPUT_CHARS * 3) : 'ok'));
    const text = summariseStages([{ contender: 'cheap', reason: 'no submission: the agent ended with step_limit', steps }]);
    expect(text).toContain(`last ${SUMMARY_STEPS} of ${SUMMARY_STEPS + 3}`);
    expect(text).not.toContain('$ cmd-3\n');
    expect(text).toContain('$ cmd-4\n');
    expect(text.length).toBeLessThan(SUMMARY_STEPS * 1200);
  });

  it('appends the summary to the statement shown to the agent, leaving the rest of the task as it was', () => {
    const task = { instance_id: 't', problem_statement: 'Fix the bug.', FAIL_TO_PASS: ['a'] } as unknown as TaskSpec;
    const shown = withEarlierStages(task, [{ contender: 'cheap', reason: 'r', steps: [] }]);
    expect(shown.problem_statement.startsWith('Fix the bug.\n\n---\n')).toBe(true);
    expect(shown.problem_statement).toContain('It ran no command.');
    expect(shown.FAIL_TO_PASS).toEqual(['a']);
    expect(task.problem_statement).toBe('Fix the bug.');
  });
});
