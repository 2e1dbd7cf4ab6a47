// Seeded synthetic results for the scale benchmark: a real results folder (`run.json` +
// `attempts.jsonl`, DESIGN.md §7) whose every line is validated by the store's zod schemas, so the
// report and resume are measured on exactly the files a long nightly run would leave.
import { open, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AttemptRecord, RunHeader, STORE_FORMAT_VERSION, type Contender } from '../../src/store/records.ts';
import type { Outcome } from '../../src/core/outcome.ts';

/** mulberry32: a small, fast 32-bit seeded PRNG; returns floats in [0, 1). */
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
    model: header.contenders[m]!.id,
    agent: 'bash',
    attempt: a,
    key,
    outcome,
    exit_status: outcome === 'infra_error' ? 'api_error' : r() < 0.8 ? 'submitted' : 'step_limit',
    model_patch: outcome === 'empty_patch' ? '' : fakePatch(r, t, 4 + Math.floor(r() * 40)),
    tests_status: ran ? { FAIL_TO_PASS: split(f2p, resolved), PASS_TO_PASS: split(p2p, resolved || r() < 0.5) } : null,
    apply_strategy: ran ? 'git apply' : null,
    binary_hunks_dropped: 0,
    test_files_edited: r() < 0.02 ? ['test/x.test.ts'] : [],
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
    error: outcome === 'infra_error' ? 'provider: 503 Service Unavailable after 4 retries' : null,
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
