// toAttemptRecord is pure: every field of the record follows from its inputs (no I/O, no clock), and
// gradeWithReruns re-runs an unresolved verdict's tests to name flaky ones.
import { describe, expect, it } from 'vitest';
import { toAttemptRecord, type AttemptFacts } from '../../../src/runner/attempt-record.ts';
import { gradeWithReruns } from '../../../src/evaluation/grade-attempt.ts';
import type { EvaluationResult } from '../../../src/evaluation/types.ts';
import { AttemptRecord } from '../../../src/core/records.ts';
import { modelContender, referenceContender } from '../analysis/fixtures.ts';

const usage = (input: number, output: number) => ({ input_uncached: input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output, reasoning: 0 });
const call = (usd: number | null) => ({ usage: usage(1000, 100), raw_usage: {}, list_usd: usd, billed_usd: null, ms: 250 });
const evaluation = (over: Partial<EvaluationResult> = {}): EvaluationResult => ({
  outcome: 'resolved', tests_status: { FAIL_TO_PASS: { success: ['a'], failure: [] }, PASS_TO_PASS: { success: ['b'], failure: [] } },
  apply_strategy: 'git apply', test_files_edited: [], visible_check: true, test_ms: 1200, test_output: 'ok', parsed: { a: 'PASSED', b: 'PASSED' }, error: null,
  ...over,
});
const limits = { steps: 40, attempt_usd: 0.5, wall_ms: 1_200_000, command_timeout_ms: 60_000, run_budget_usd: 2, run_budget_tokens: null };

function facts(over: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    runId: 'r1', instanceId: 't1', contender: modelContender('m1'), kind: 'model', attempt: 0, key: 'k',
    result: { exit_status: 'submitted', calls: [call(0.01), call(0.02)], steps: 2, trajectory: [] },
    patch: { text: 'diff --git a/x b/x\n', binaryFilesDropped: 0 },
    harnessFault: null,
    graded: { evaluation: evaluation(), testRuns: 1, flaky: [] },
    refusedByBudget: false, limits, formatErrors: 3, priceSheet: 'prices/p.yaml', wallMs: 5000, finishedAt: '2026-12-05T00:00:00.000Z',
    envCache: 'hit', carried: null,
    ...over,
  };
}

describe('toAttemptRecord', () => {
  it('builds a valid version-2 record from the attempt\'s facts: usage, cost, model time, tests', () => {
    const r = toAttemptRecord(facts());
    expect(AttemptRecord.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      format_version: 2, contender: 'm1', agent: 'bash', outcome: 'resolved', exit_status: 'submitted', calls: 2, steps: 2,
      usage: usage(2000, 200), model_ms: 500, wall_ms: 5000, test_ms: 1200, error: null, limit: null, env_cache: 'hit', test_runs: 1,
    });
    expect(r.list_usd).toBeCloseTo(0.03, 12);
    expect(toAttemptRecord(facts()), 'the same facts give the same record').toEqual(r);
  });

  it('regression: budget_usd is what the run budget counted: priced calls at list price, unknown-cost calls at their ceiling', () => {
    const r = toAttemptRecord(facts({ result: { exit_status: 'submitted', calls: [call(0.01), { ...call(null), cap_usd: 0.2 }, call(null)], steps: 3, trajectory: [] } }));
    expect(r.list_usd).toBeNull();
    expect(r.budget_usd).toBeCloseTo(0.21, 12);
    expect(toAttemptRecord(facts({ kind: 'reference', contender: referenceContender('gold') })).budget_usd).toBeUndefined();
  });

  it('counts the binary files left out of the agent\'s patch and those a given patch dropped before applying', () => {
    expect(toAttemptRecord(facts({ patch: { text: 'd', binaryFilesDropped: 2 } })).binary_files_dropped).toBe(2);
    expect(toAttemptRecord(facts({ graded: { evaluation: evaluation({ binary_hunks_dropped: 1 }), testRuns: 1, flaky: [] }, patch: { text: 'd', binaryFilesDropped: 2 } })).binary_files_dropped).toBe(3);
  });

  it('a call refused by the run budget: cost_limit, infra_error, error {run, run_budget}, limit run_budget_usd', () => {
    const r = toAttemptRecord(facts({ refusedByBudget: true, result: { exit_status: 'api_error', calls: [call(0.01)], steps: 1, trajectory: [], error: 'refused' } }));
    expect(r).toMatchObject({ exit_status: 'cost_limit', outcome: 'infra_error', error: { stage: 'run', kind: 'run_budget' }, limit: { kind: 'run_budget_usd', value: 2 } });
    expect(r.error!.message).toBe('run budget reached during the attempt (refused)');
  });

  it('a workspace too large to extract a patch from is the agent\'s failure (agent_error, counted), never infra_error', () => {
    const r = toAttemptRecord(facts({ patch: { text: '', binaryFilesDropped: 0 }, agentFault: { stage: 'patch', message: 'the workspace\'s changes are too large to extract as a patch: spawn E2BIG' }, graded: { evaluation: evaluation({ outcome: 'empty_patch' }), testRuns: 1, flaky: [] } }));
    expect(r).toMatchObject({ outcome: 'agent_error', error: { stage: 'patch', kind: 'unknown' } });
    expect(r.error!.message).toContain('too large');
  });

  it('names the limit an agent ended on with its configured value, and types agent, harness and grading errors', () => {
    const steps = toAttemptRecord(facts({ result: { exit_status: 'step_limit', calls: [], steps: 40, trajectory: [], error: 'step limit of 40 reached' }, graded: { evaluation: evaluation({ outcome: 'unresolved' }), testRuns: 1, flaky: [] } }));
    expect(steps).toMatchObject({ outcome: 'agent_error', limit: { kind: 'steps', value: 40 }, error: { stage: 'agent', kind: 'step_limit' } });
    expect(toAttemptRecord(facts({ result: { exit_status: 'format_errors', calls: [], steps: 3, trajectory: [], error: 'x' } })).limit).toEqual({ kind: 'format_errors', value: 3 });
    const fault = toAttemptRecord(facts({ harnessFault: { stage: 'patch', message: 'patch extraction failed: git died' }, result: { exit_status: 'env_error', calls: [], steps: 0, trajectory: [], error: 'patch extraction failed: git died' } }));
    expect(fault).toMatchObject({ outcome: 'infra_error', error: { stage: 'patch', kind: 'harness_fault', message: 'patch extraction failed: git died' } });
    const tampered = toAttemptRecord(facts({ graded: { evaluation: evaluation({ outcome: 'tampered', error: 'the failing canary test came out passed' }), testRuns: 1, flaky: [] } }));
    expect(tampered.error).toEqual({ stage: 'grading', kind: 'tampered', message: 'the failing canary test came out passed' });
    const slow = toAttemptRecord(facts({ graded: { evaluation: evaluation({ outcome: 'timeout', tests_status: null, error: 'tests timed out' }), testRuns: 0, flaky: [] } }));
    expect(slow.limit).toEqual({ kind: 'test_timeout', value: null });
    expect(toAttemptRecord(facts({ result: { exit_status: 'env_error', calls: [], steps: 0, trajectory: [], error: 'interrupted' } })).error).toMatchObject({ stage: 'run', kind: 'interrupted' });
  });

  it('prices by kind: a reference agent costs 0, a predictions file is unknown', () => {
    const none = { exit_status: 'submitted' as const, calls: [], steps: 0, trajectory: [] };
    expect(toAttemptRecord(facts({ kind: 'reference', contender: referenceContender('gold'), result: none })).list_usd).toBe(0);
    expect(toAttemptRecord(facts({ kind: 'predictions', result: none })).list_usd).toBeNull();
  });
});

describe('gradeWithReruns', () => {
  const task = { FAIL_TO_PASS: ['a'], PASS_TO_PASS: ['b'] };
  it('re-runs an unresolved verdict and names the tests whose results disagree; the outcome is the first run\'s', async () => {
    const runs = [
      evaluation({ outcome: 'unresolved', parsed: { a: 'FAILED', b: 'PASSED' } }),
      evaluation({ outcome: 'resolved', parsed: { a: 'PASSED', b: 'PASSED' } }),
      evaluation({ outcome: 'unresolved', tests_status: null, parsed: {} }), // a re-run without results says nothing
    ];
    let i = 0;
    const g = await gradeWithReruns({ task, rerunFailed: 2, harnessError: null, grade: async () => runs[i++]! });
    expect(i).toBe(3);
    expect(g).toMatchObject({ testRuns: 2, flaky: ['a'] });
    expect(g.evaluation.outcome).toBe('unresolved');
  });

  it('runs nothing after a harness fault, and no re-run for a resolved verdict', async () => {
    let calls = 0;
    const grade = async () => (calls++, evaluation());
    expect(await gradeWithReruns({ task, rerunFailed: 3, harnessError: 'harness: boom', grade })).toMatchObject({ testRuns: 0, evaluation: { outcome: 'infra_error', error: 'harness: boom' } });
    expect(calls).toBe(0);
    expect(await gradeWithReruns({ task, rerunFailed: 3, harnessError: null, grade })).toMatchObject({ testRuns: 1, flaky: [] });
    expect(calls).toBe(1);
  });
});
