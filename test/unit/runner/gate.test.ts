import { describe, expect, it } from 'vitest';
import { referenceGate } from '../../../src/runner/gate.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';

const contender = (id: string) => ({ id, agent: id, model: null, upstream: null, name: null, vendor: null, region: null, provider: null, price: null });
const header = (ids: string[]) => ({ contenders: ids.map(contender) }) as unknown as RunHeader;
const rec = (contender: string, instance_id: string, outcome: AttemptRecord['outcome'], error: string | null = null) =>
  ({ contender, instance_id, outcome, error: error === null ? null : { stage: 'grading', kind: 'unknown', message: error } }) as AttemptRecord;

describe('referenceGate: gold resolves every task, noop none', () => {
  it('holds when gold resolved everything and noop nothing', () => {
    expect(referenceGate(header(['gold', 'noop']), [rec('gold', 'a', 'resolved'), rec('noop', 'a', 'unresolved')])).toEqual([]);
  });

  it('names each task gold did not resolve, with its outcome and error', () => {
    const problems = referenceGate(header(['gold']), [
      rec('gold', 'a', 'resolved'),
      rec('gold', 'b', 'unresolved', 'no test verdict with this patch: boom\nmore'),
      rec('gold', 'c', 'patch_failed'),
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^gold did not resolve b \(unresolved: no test verdict with this patch: boom\), c \(patch_failed\); fix the task/);
  });

  it('blames the harness, not the task, when gold only hit infra errors', () => {
    const problems = referenceGate(header(['gold']), [rec('gold', 'a', 'infra_error', 'ENOTDIR: not a directory')]);
    expect(problems[0]).toContain('gold did not resolve a (infra_error: ENOTDIR: not a directory); these are infra errors');
    expect(problems[0]).toMatch(/then `npx fixbench run --retry-errors [^<\s]+`$/); // the run's id, and the prefix a note read later works with
    expect(problems[0]).not.toContain('gold.patch');
  });

  it('names each task noop resolved', () => {
    expect(referenceGate(header(['noop']), [rec('noop', 'a', 'resolved'), rec('noop', 'b', 'unresolved')])).toEqual([
      'noop resolved a without any change; their FAIL_TO_PASS tests already pass at base_commit',
    ]);
  });

  it('checks nothing when no reference agent ran', () => {
    expect(referenceGate(header(['model-x']), [rec('model-x', 'a', 'unresolved')])).toEqual([]);
  });
});
