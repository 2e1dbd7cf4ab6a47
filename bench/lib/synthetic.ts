// Seeded synthetic results, one PRNG for both generators:
// - `writeSyntheticRun` (the scale benchmark, bench/scale.ts): a real results folder (`run.json` +
//   `attempts.jsonl`, DESIGN.md §7) streamed record by record, every line validated by the store's
//   zod schemas, so the report and resume are measured on exactly the files a long nightly run
//   would leave;
// - `syntheticRun` (report tests, test/unit/report/scale.test.ts): an in-memory run of many models
//   with skills, prices and regions spread so that the chart, frontier, cascades and significance
//   tests all have something to show.
import { open, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AttemptRecord, RunHeader, STORE_FORMAT_VERSION, type Contender } from '../../src/store/records.ts';
import type { Outcome } from '../../src/core/outcome.ts';

/** mulberry32: a small, fast 32-bit seeded PRNG; returns floats in [0, 1). Deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticShape {
  /** Attempt records to write. */
  records: number;
  seed: number;
  /** Distinct tasks (default 500, the size of SWE-bench Verified). */
  tasks?: number;
  /** Model contenders (default 10). */
  models?: number;
}

const REGIONS = ['US', 'CN', 'EU'] as const;
const WORDS = ['parse', 'format', 'match', 'filter', 'expand', 'units', 'signs', 'options', 'errors', 'escapes', 'braces', 'numbers'];

/** The run id of every synthetic run. */
export const SYNTHETIC_RUN_ID = 'bench-synthetic';

/** Attempts per task and model needed for `records` records over `tasks × models`. */
export function attemptsPerTask(shape: SyntheticShape): number {
  const tasks = shape.tasks ?? 500;
  const models = shape.models ?? 10;
  return Math.max(1, Math.ceil(shape.records / (tasks * models)));
}

/** The run header of a synthetic run (valid `RunHeader`). */
export function syntheticHeader(shape: SyntheticShape): RunHeader {
  const tasks = shape.tasks ?? 500;
  const models = shape.models ?? 10;
  const contenders: Contender[] = Array.from({ length: models }, (_, m) => ({
    id: `model-${m}`,
    agent: 'bash',
    model: `model-${m}`,
    upstream: `vendor-${m % 4}/model-${m}`,
    name: `Model ${m}`,
    vendor: `vendor-${m % 4}`,
    region: REGIONS[m % REGIONS.length]!,
    provider: 'openrouter',
    price: { input: (0.1 * (m + 1)).toFixed(2), output: (0.4 * (m + 1)).toFixed(2) },
  }));
  return RunHeader.parse({
    format_version: STORE_FORMAT_VERSION,
    run_id: SYNTHETIC_RUN_ID,
    status: 'finished',
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-02T00:00:00.000Z',
    harness: { version: '0.0.0-bench', commit: null },
    suite: { hash: 'synthetic', instance_ids: Array.from({ length: tasks }, (_, t) => taskId(t)) },
    contenders,
    skipped: [],
    price_sheet: { file: 'prices/synthetic.yaml', as_of: '2026-01-01', source: 'bench/lib/synthetic.ts' },
    limits: { steps: 40, attempt_usd: 0.5, wall_ms: 1_200_000, command_timeout_ms: 60_000, run_budget_usd: null },
    attempts_per_task: attemptsPerTask(shape),
    rerun_failed: 0,
    concurrency: 2,
    sandbox: 'bwrap',
    host: { platform: 'linux-x64', node: 'v20.0.0', cpus: 2 },
    note: null,
  });
}

const taskId = (t: number) => `synthetic-${String(t).padStart(4, '0')}`;

/** Per-task test ids (`file > describe > title`), 1–4 FAIL_TO_PASS and 5–40 PASS_TO_PASS. */
function taskTests(t: number, seed: number): { f2p: string[]; p2p: string[] } {
  const r = seededRandom(seed ^ (t * 2654435761));
  const id = (i: number) => `test/${WORDS[t % WORDS.length]}.test.ts > ${WORDS[i % WORDS.length]} > case ${i} reads back what it wrote`;
  const f = 1 + Math.floor(r() * 4);
  const p = 5 + Math.floor(r() * 36);
  return { f2p: Array.from({ length: f }, (_, i) => id(i)), p2p: Array.from({ length: p }, (_, i) => id(f + i)) };
}

/** A plausible unified diff of about `lines` changed lines. */
function fakePatch(r: () => number, t: number, lines: number): string {
  const out = [`diff --git a/src/${WORDS[t % WORDS.length]}.ts b/src/${WORDS[t % WORDS.length]}.ts`, '--- a/src/x.ts', '+++ b/src/x.ts', `@@ -1,${lines} +1,${lines} @@`];
  for (let i = 0; i < lines; i++) out.push(`${r() < 0.5 ? '-' : '+'}  const v${i} = ${WORDS[i % WORDS.length]}(input, ${Math.floor(r() * 1000)});`);
  return out.join('\n') + '\n';
}

/**
 * The `i`-th record of a synthetic run (task-major: task, then attempt, then model), valid against
 * `AttemptRecord`. Model m resolves a task with probability 0.15 + 0.06·m; the same seed gives the
 * same record.
 */
export function syntheticRecord(shape: SyntheticShape, header: RunHeader, i: number, tests = new Map<number, { f2p: string[]; p2p: string[] }>()): AttemptRecord {
  const models = header.contenders.length;
  const attempts = header.attempts_per_task;
  const m = i % models;
  const a = Math.floor(i / models) % attempts;
  const t = Math.floor(i / (models * attempts));
  const r = seededRandom(shape.seed ^ Math.imul(i + 1, 0x9e3779b1));
  if (!tests.has(t)) tests.set(t, taskTests(t, shape.seed));
  const { f2p, p2p } = tests.get(t)!;
  const roll = r();
  const resolved = roll < 0.15 + 0.06 * m;
  const outcome: Outcome = resolved ? 'resolved' : roll < 0.9 ? 'unresolved' : roll < 0.95 ? 'empty_patch' : roll < 0.98 ? 'patch_failed' : 'infra_error';
  const ran = outcome === 'resolved' || outcome === 'unresolved';
  const split = (ids: string[], pass: boolean) => (pass ? { success: ids, failure: [] } : { success: ids.slice(1), failure: ids.slice(0, 1) });
  const steps = 3 + Math.floor(r() * 37);
  const input = steps * (2_000 + Math.floor(r() * 8_000));
  const cached = Math.floor(input * r() * 0.8);
  const output = steps * (100 + Math.floor(r() * 600));
  const price = header.contenders[m]!.price!;
  const listUsd = ((input - cached) * Number(price.input) + cached * Number(price.input) * 0.1 + output * Number(price.output)) / 1e6;
  const modelMs = steps * (800 + Math.floor(r() * 4000));
  const testMs = ran ? 500 + Math.floor(r() * 20_000) : 0;
  const key = `${t.toString(16).padStart(6, '0')}${m.toString(16).padStart(4, '0')}${a.toString(16).padStart(6, '0')}`;
  return {
    format_version: STORE_FORMAT_VERSION,
    run_id: header.run_id,
    instance_id: taskId(t),
    contender: header.contenders[m]!.id,
    agent: 'bash',
    attempt: a,
    key,
    outcome,
    exit_status: outcome === 'infra_error' ? 'api_error' : r() < 0.8 ? 'submitted' : 'step_limit',
    model_patch: outcome === 'empty_patch' ? '' : fakePatch(r, t, 4 + Math.floor(r() * 40)),
    tests_status: ran ? { FAIL_TO_PASS: split(f2p, resolved), PASS_TO_PASS: split(p2p, resolved || r() < 0.5) } : null,
    apply_strategy: ran ? 'git apply' : null,
    binary_files_dropped: 0, unsafe_entries_dropped: 0,
    test_files_edited: r() < 0.02 ? ['test/x.test.ts'] : [],
    protected_files_edited: [],
    usage: { input_uncached: input - cached, cache_read: cached, cache_write_5m: 0, cache_write_1h: 0, output, reasoning: Math.floor(output * 0.3) },
    calls: steps,
    list_usd: listUsd,
    billed_usd: r() < 0.5 ? listUsd : null,
    price_sheet: header.price_sheet.file,
    steps,
    wall_ms: modelMs + testMs + 2_000,
    model_ms: modelMs,
    test_ms: testMs,
    visible_check: ran && (resolved || r() < 0.3),
    test_runs: ran ? 1 : 0,
    flaky_tests: [],
    error: outcome === 'infra_error' ? { stage: 'agent', kind: 'api_error', message: 'provider: 503 Service Unavailable after 4 retries' } : null,
    limit: null,
    finished_at: new Date(Date.UTC(2026, 0, 1) + i * 800).toISOString(),
  };
}

/**
 * Writes `<dir>/run.json` and `<dir>/attempts.jsonl` with `shape.records` records, each parsed by
 * `AttemptRecord` before it is written (the folder is what `RunWriter` would leave). Returns the
 * bytes of attempts.jsonl. @throws ZodError if the generator ever produced an invalid record.
 */
export async function writeSyntheticRun(dir: string, shape: SyntheticShape): Promise<{ bytes: number; header: RunHeader }> {
  const header = syntheticHeader(shape);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'run.json'), JSON.stringify(header, null, 2) + '\n');
  const fh = await open(path.join(dir, 'attempts.jsonl'), 'w');
  const tests = new Map<number, { f2p: string[]; p2p: string[] }>();
  let bytes = 0;
  try {
    let chunk: string[] = [];
    for (let i = 0; i < shape.records; i++) {
      chunk.push(JSON.stringify(AttemptRecord.parse(syntheticRecord(shape, header, i, tests))));
      if (chunk.length === 2000 || i === shape.records - 1) {
        const text = chunk.join('\n') + '\n';
        bytes += Buffer.byteLength(text);
        await fh.write(text);
        chunk = [];
      }
    }
  } finally {
    await fh.close();
  }
  return { bytes, header };
}

/** Shape of `syntheticRun`: counts of models, tasks and attempts per task, and the PRNG seed. */
export interface SyntheticOptions {
  models?: number;
  tasks?: number;
  attempts?: number;
  seed?: number;
  /** Add the gold and noop reference agents (default true). */
  references?: boolean;
}

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
  const rnd = seededRandom(o.seed ?? 1);
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
    format_version: 2,
    run_id: runId,
    instance_id: tasks[t]!,
    contender: model,
    agent,
    attempt: a,
    key: `${model}:${tasks[t]}:${a}`,
    outcome,
    exit_status: outcome === 'infra_error' ? 'api_error' : outcome === 'timeout' ? 'time_limit' : outcome === 'agent_error' ? 'step_limit' : 'submitted',
    model_patch: outcome === 'empty_patch' ? '' : `diff --git a/src/m${t}.js b/src/m${t}.js\n--- a/src/m${t}.js\n+++ b/src/m${t}.js\n@@ -1 +1 @@\n-old\n+new\n`,
    tests_status: outcome === 'resolved' || outcome === 'unresolved' ? { FAIL_TO_PASS: { success: outcome === 'resolved' ? ['test fix'] : [], failure: outcome === 'resolved' ? [] : ['test fix'] }, PASS_TO_PASS: { success: ['test keep'], failure: [] } } : null,
    apply_strategy: outcome === 'empty_patch' ? null : 'git apply',
    binary_files_dropped: 0, unsafe_entries_dropped: 0,
    test_files_edited: [],
    protected_files_edited: [],
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
    error: outcome === 'infra_error' ? { stage: 'agent', kind: 'api_error', message: 'provider returned 503 after 4 tries' } : null,
    limit: outcome === 'timeout' ? { kind: 'wall_ms', value: 1_800_000 } : outcome === 'agent_error' ? { kind: 'steps', value: 50 } : null,
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
    format_version: 2,
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
