// Builders of run headers and attempt records for analysis and report tests: plain, deterministic
// values with overridable fields (only what a test names differs from a valid default).
import type { Outcome } from '../../../src/core/outcome.ts';
import { zeroUsage, type TokenUsage } from '../../../src/core/usage.ts';
import type { AttemptError, AttemptRecord, Contender, RunHeader } from '../../../src/store/records.ts';

/** A contender driving a model (price null = unknown). */
export function modelContender(id: string, over: Partial<Contender> = {}): Contender {
  return {
    id,
    agent: 'bash',
    model: id,
    upstream: `vendor/${id}`,
    name: null,
    vendor: 'acme',
    region: 'US',
    provider: 'openrouter',
    price: { input: '1', output: '4' },
    ...over,
  };
}

/** A reference agent with no model (`gold`, `noop`). */
export function referenceContender(id: 'gold' | 'noop'): Contender {
  return { id, agent: id, model: null, upstream: null, name: null, vendor: null, region: null, provider: null, price: null };
}

export function makeHeader(over: Partial<RunHeader> = {}): RunHeader {
  return {
    format_version: 2,
    run_id: '20260401T020000Z-ab12',
    status: 'finished',
    started_at: '2026-04-01T02:00:00.000Z',
    finished_at: '2026-04-01T03:12:45.000Z',
    harness: { version: '0.1.0', commit: '916ad33' },
    suite: { hash: 'c0ffee1234567890deadbeef', instance_ids: ['t1', 't2', 't3', 't4'] },
    contenders: [],
    skipped: [],
    price_sheet: { file: 'prices/2026-03-31.yaml', as_of: '2026-03-31', source: 'provider price pages' },
    limits: { steps: 50, attempt_usd: 1, wall_ms: 1_800_000, command_timeout_ms: 120_000, run_budget_usd: 2 },
    attempts_per_task: 1,
    rerun_failed: 0,
    concurrency: 1,
    sandbox: 'local',
    host: { platform: 'linux', node: 'v20.20.2', cpus: 2 },
    note: null,
    ...over,
  };
}

/** One attempt record; `usd` is list_usd (null = unknown); a string `error` is an agent error with that message. */
export function makeAttempt(
  model: string,
  instanceId: string,
  outcome: Outcome,
  usd: number | null,
  over: Partial<Omit<AttemptRecord, 'error'>> & { usage?: TokenUsage; error?: AttemptError | string | null } = {},
): AttemptRecord {
  const { error, ...rest } = over;
  return {
    format_version: 2,
    run_id: '20260401T020000Z-ab12',
    instance_id: instanceId,
    contender: model,
    agent: 'bash',
    attempt: 0,
    key: `${model}:${instanceId}:${over.attempt ?? 0}`,
    outcome,
    exit_status: outcome === 'infra_error' ? 'api_error' : 'submitted',
    model_patch: outcome === 'empty_patch' ? '' : 'diff --git a/x b/x\n',
    tests_status: null,
    apply_strategy: 'git apply',
    binary_files_dropped: 0,
    unsafe_entries_dropped: 0,
    test_files_edited: [],
    protected_files_edited: [],
    usage: zeroUsage(),
    calls: 0,
    list_usd: usd,
    billed_usd: null,
    price_sheet: 'prices/2026-03-31.yaml',
    steps: 0,
    wall_ms: 60_000,
    model_ms: 30_000,
    test_ms: 10_000,
    visible_check: outcome === 'resolved',
    test_runs: 1,
    flaky_tests: [],
    error: null,
    limit: null,
    finished_at: '2026-04-01T02:30:00.000Z',
    ...rest,
    // a string is an agent error's message (the kind follows the outcome)
    ...(error === undefined ? {} : { error: typeof error === 'string' ? { stage: 'agent', kind: outcome === 'infra_error' ? 'api_error' : 'unknown', message: error } : error }),
  };
}
