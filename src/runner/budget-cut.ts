// The record of an attempt a resumed run does not start because its budget is spent, while a killed
// earlier session left billed calls of that attempt on its ledger (atkF10 1, 3): the attempt is the
// budget-cut `infra_error` it is, and its record carries those calls, so every billed call of the
// run ends in exactly one record (the report's spend, a later `--retry-errors`' budget).
import type { EvaluationResult } from '../evaluation/types.ts';
import type { AttemptRecord, RunLimits } from '../core/records.ts';
import { toAttemptRecord } from './attempt-record.ts';
import type { Job } from './attempt.ts';
import type { RunBudget } from './budget.ts';
import { openAttemptLedger } from './ledger-fold.ts';

/**
 * Takes attempt `job`'s unsettled ledgers aside (`openAttemptLedger`, resume: counted against
 * `budget` once) and returns its record, not yet appended: outcome `infra_error`, exit `cost_limit`,
 * error `run_budget` "not started", no patch, no calls of its own, `interrupted_calls` = the killed
 * sessions' calls. The caller appends it, then settles the ledgers (`settleLedger`), as for any record.
 * @throws what reading or renaming the ledgers throws (the run's disk).
 */
export async function budgetCutRecord(
  job: Job,
  o: { runDir: string; runId: string; budget: RunBudget; limits: RunLimits; formatErrors: number; priceSheet: string },
): Promise<AttemptRecord> {
  const { task, contender, attempt, key } = job;
  const ledger = await openAttemptLedger(o.runDir, { key, model: contender.id, instance_id: task.instance_id, attempt }, true, o.budget);
  ledger.close();
  const message = 'not started: the run budget was spent; this record carries the billed calls of a killed earlier session\'s try';
  const evaluation: EvaluationResult = {
    outcome: 'infra_error', tests_status: null, apply_strategy: null, test_files_edited: [], visible_check: false,
    test_ms: 0, test_output: '', parsed: {}, error: message,
  };
  return toAttemptRecord({
    runId: o.runId, instanceId: task.instance_id, contender, kind: 'model', attempt, key,
    result: { exit_status: 'api_error', calls: [], steps: 0, trajectory: [], error: message },
    patch: { text: '', binaryFilesDropped: 0 }, harnessFault: null, agentFault: null,
    graded: { evaluation, testRuns: 0, flaky: [] }, refusedByBudget: true,
    limits: o.limits, formatErrors: o.formatErrors, priceSheet: o.priceSheet,
    wallMs: 0, finishedAt: new Date().toISOString(), envCache: null, carried: ledger.carried,
  });
}
