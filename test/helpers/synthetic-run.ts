// A seeded synthetic run for report tests and size measurements: many models × many tasks × several
// attempts, with skills, prices and regions spread so that the chart, frontier, cascades and
// significance tests all have something to show. Deterministic for a given seed.
import type { Outcome } from '../../src/core/outcome.ts';
import type { AttemptRecord, Contender, RunHeader } from '../../src/store/records.ts';

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  models?: number;
  tasks?: number;
  attempts?: number;
  seed?: number;
  /** Add the gold and noop reference agents (default true). */
  references?: boolean;
}

const REGIONS = ['US', 'CN', 'EU'];
const FAILURES: Outcome[] = ['unresolved', 'unresolved', 'unresolved', 'empty_patch', 'patch_failed', 'timeout', 'agent_error'];

/**
 * A run of `models` models (default 20) × `tasks` tasks (500) × `attempts` attempts (3), seeded (1).
 * Model i has a skill rising with its price (with noise), so cheaper models are worse on average but
 * not always; the last model has an unknown price. About 1% of attempts are infra errors and a few
 * are missing (not run).
 */
export function syntheticRun(o: SyntheticOptions = {}): { header: RunHeader; attempts: AttemptRecord[] } {
  const nModels = o.models ?? 20;
  const nTasks = o.tasks ?? 500;
  const nAttempts = o.attempts ?? 3;
  const rnd = prng(o.seed ?? 1);
  const runId = '20260401T020000Z-synth';
  const tasks = Array.from({ length: nTasks }, (_, t) => `synth__repo${t % 17}-${1000 + t}`);
  const difficulty = tasks.map(() => rnd() * 4 - 2);
  const models = Array.from({ length: nModels }, (_, i) => {
    const priceIn = Number((0.05 * 1.35 ** i).toFixed(3));
    return {
      id: `model-${String(i).padStart(2, '0')}`,
      region: REGIONS[i % REGIONS.length]!,
      skill: -1.2 + (2.6 * i) / Math.max(1, nModels - 1) + (rnd() - 0.5) * 1.2,
      priceIn,
      priceOut: Number((priceIn * 4).toFixed(3)),
      unknown: i === nModels - 1,
    };
  });
  const contenders: Contender[] = models.map((m) => ({
    id: m.id,
    agent: 'bash',
    model: m.id,
    upstream: `synthetic/${m.id}`,
    name: `Synthetic ${m.id}`,
    vendor: `vendor-${m.region}`,
    region: m.region,
    provider: 'openrouter',
    price: m.unknown ? null : { input: String(m.priceIn), output: String(m.priceOut) },
  }));
  if (o.references ?? true) {
    for (const id of ['gold', 'noop'] as const) contenders.push({ id, agent: id, model: null, upstream: null, name: null, vendor: null, region: null, provider: null, price: null });
  }
  const attempts: AttemptRecord[] = [];
  const record = (model: string, agent: string, t: number, a: number, outcome: Outcome, usd: number | null, steps: number, input: number, output: number, visible: boolean): AttemptRecord => ({
    format_version: 1,
    run_id: runId,
    instance_id: tasks[t]!,
    model,
    agent,
    attempt: a,
    key: `${model}:${tasks[t]}:${a}`,
    outcome,
    exit_status: outcome === 'infra_error' ? 'api_error' : outcome === 'timeout' ? 'time_limit' : outcome === 'agent_error' ? 'step_limit' : 'submitted',
    model_patch: outcome === 'empty_patch' ? '' : `diff --git a/src/m${t}.js b/src/m${t}.js\n--- a/src/m${t}.js\n+++ b/src/m${t}.js\n@@ -1 +1 @@\n-old\n+new\n`,
    tests_status: outcome === 'resolved' || outcome === 'unresolved' ? { FAIL_TO_PASS: { success: outcome === 'resolved' ? ['test fix'] : [], failure: outcome === 'resolved' ? [] : ['test fix'] }, PASS_TO_PASS: { success: ['test keep'], failure: [] } } : null,
    apply_strategy: outcome === 'empty_patch' ? null : 'git apply',
    binary_hunks_dropped: 0,
    test_files_edited: [],
    usage: { input_uncached: Math.round(input * 0.6), cache_read: Math.round(input * 0.4), cache_write_5m: 0, cache_write_1h: 0, output, reasoning: 0 },
    calls: steps,
    list_usd: usd,
    billed_usd: null,
    price_sheet: 'prices/2026-03-31.yaml',
    steps,
    wall_ms: 20_000 + steps * 4_000,
    model_ms: steps * 2_500,
    test_ms: 8_000,
    visible_check: visible,
    test_runs: 1,
    flaky_tests: [],
    error: outcome === 'infra_error' ? 'provider returned 503 after 4 tries' : null,
    finished_at: '2026-04-01T03:00:00.000Z',
  });
  for (const m of models) {
    for (let t = 0; t < nTasks; t++) {
      for (let a = 0; a < nAttempts; a++) {
        const r = rnd();
        if (r < 0.003) continue; // not run
        const p = 1 / (1 + Math.exp(-(m.skill - difficulty[t]!)));
        let outcome: Outcome;
        if (r < 0.013) outcome = 'infra_error';
        else if (rnd() < p) outcome = 'resolved';
        else outcome = FAILURES[Math.floor(rnd() * FAILURES.length)]!;
        const steps = 3 + Math.floor(rnd() * (outcome === 'resolved' ? 25 : 45));
        const input = steps * (4_000 + Math.floor(rnd() * 6_000));
        const output = steps * (150 + Math.floor(rnd() * 400));
        const usd = m.unknown ? null : Number(((input * m.priceIn + output * m.priceOut) / 1e6).toFixed(6));
        const visible = outcome === 'resolved' ? rnd() < 0.97 : outcome === 'unresolved' ? rnd() < 0.35 : false;
        attempts.push(record(m.id, 'bash', t, a, outcome, usd, steps, input, output, visible));
      }
    }
  }
  if (o.references ?? true) {
    for (let t = 0; t < nTasks; t++) {
      for (let a = 0; a < nAttempts; a++) {
        attempts.push(record('gold', 'gold', t, a, 'resolved', 0, 0, 0, 0, true));
        attempts.push(record('noop', 'noop', t, a, 'empty_patch', 0, 0, 0, 0, false));
      }
    }
  }
  const header: RunHeader = {
    format_version: 1,
    run_id: runId,
    status: 'finished',
    started_at: '2026-04-01T02:00:00.000Z',
    finished_at: '2026-04-01T09:00:00.000Z',
    harness: { version: '0.1.0', commit: 'abc1234' },
    suite: { hash: 'f00dfeed'.repeat(5), instance_ids: tasks },
    contenders,
    skipped: [],
    price_sheet: { file: 'prices/2026-03-31.yaml', as_of: '2026-03-31', source: 'synthetic' },
    limits: { steps: 50, attempt_usd: 1, wall_ms: 1_800_000, command_timeout_ms: 120_000, run_budget_usd: null },
    attempts_per_task: nAttempts,
    rerun_failed: 0,
    concurrency: 4,
    sandbox: 'bwrap',
    host: { platform: 'linux', node: 'v20.20.2', cpus: 2 },
    note: null,
  };
  return { header, attempts };
}
