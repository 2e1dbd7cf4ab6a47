// The run's temp-disk watch (src/runner/disk-watch.ts): who filled the disk the attempts share, on a
// real full file system (an 8 MiB tmpfs in a user and mount namespace of its own, `unshare -rm`, run
// by test/fixtures/runner/disk-watch.mts), and how a grading result is weighed against it.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { blameFullDisk, otherFilled } from '../../../src/runner/disk-watch.ts';
import type { EvaluationResult } from '../../../src/evaluation/types.ts';
import { ROOT } from '../../helpers/cli.ts';

const base: EvaluationResult = {
  outcome: 'unresolved', tests_status: null, apply_strategy: null, test_files_edited: [], visible_check: false,
  test_ms: 1, test_output: '', parsed: {}, error: 'no test verdict with this patch: JUnit report is not well-formed XML',
};

describe('diskWatch on a file system that fills up', () => {
  it('blames the attempt whose folder filled it, never one that wrote little or started on the full disk; a fill in no folder blames nobody', async () => {
    const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=8m tmpfs "$m"; exec "$0" --import tsx test/fixtures/runner/disk-watch.mts "$m"`;
    const r = await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath], { cwd: ROOT });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.beforeFill).toBeNull();
    expect(out.B).toEqual({ kind: 'other', by: ['A'] });
    expect(out.A).toEqual({ kind: 'own', by: ['A'] });
    expect(out.C).toEqual({ kind: 'other', by: ['A'] });
    expect(out.afterRemoval).toBeNull();
    expect(out.stray).toEqual({ kind: 'unknown', by: [] });
  }, 60_000);
});

describe('blameFullDisk', () => {
  it('a failed grading while only another attempt filled the disk is infra_error saying so; its own fill or an unknown one leaves it as it was', () => {
    const other = { kind: 'other' as const, by: ['attempt k1'] };
    for (const outcome of ['unresolved', 'tampered', 'infra_error', 'timeout'] as const) {
      const r = blameFullDisk({ ...base, outcome, tests_status: { FAIL_TO_PASS: { success: [], failure: ['t'] }, PASS_TO_PASS: { success: [], failure: [] } } as never }, other);
      expect(r.outcome).toBe('infra_error');
      expect(r.tests_status).toBeNull();
      expect(r.error).toMatch(new RegExp(`^the temp disk was full: another attempt filled it \\(attempt k1\\); the grading said ${outcome}`));
    }
    for (const outcome of ['resolved', 'empty_patch', 'patch_failed'] as const) expect(blameFullDisk({ ...base, outcome }, other)).toEqual({ ...base, outcome });
    for (const v of [null, { kind: 'own' as const, by: ['attempt k1'] }, { kind: 'unknown' as const, by: [] }]) {
      expect(blameFullDisk(base, v)).toEqual(base);
      expect(otherFilled(v)).toBeNull();
    }
  });
});
