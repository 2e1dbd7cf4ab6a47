// I/O-bound scaling: 64 attempts at once against a fake provider on loopback (the real OpenAI
// Chat Completions protocol, test/helpers/fake-provider.ts) that answers every call after 1 s,
// 5 calls per attempt, each attempt then graded with its task's own tests, under the default
// sandbox. Ideal throughput is attempts ÷ (calls × latency). From the provider's log of call
// arrivals: (a) the agent phase (start → reply to the last attempt's last call) against the ideal,
// checked ≥ 0.80, with the per-turn arrival spread and the most calls waiting at once; (b) the
// whole run with grading against the grading-bound ideal max(ideal, Σ test commands ÷ test slots);
// (c) fixbench's own CPU (its process alone, not git, tests or the sandbox) and peak RSS.
// FIXBENCH_BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the fixbench process there.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTasks } from '../src/tasks/load.ts';
import { readRun } from '../src/store/store.ts';
import type { TaskSpec } from '../src/config/task.ts';
import { startFakeProvider, toolCall, type FakeRequest } from '../test/helpers/fake-provider.ts';
import { single, timed } from './lib/measure.ts';
import { ioTimeline } from './lib/io-timeline.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Attempt throughput ÷ ideal (attempts ÷ (calls × latency)) must reach this (issue 18). */
export const IO_BOUND_TARGET = { op: '>=', limit: 0.8, unit: '×' } as const;
export const IO_ATTEMPTS = 64;
export const IO_CALLS_PER_ATTEMPT = 5;
export const IO_LATENCY_MS = 1000;
/** `--sandbox` of the run: `auto` resolves to bwrap where it works (every real Linux run), else local. */
export const IO_SANDBOX = 'auto';

/** Bundled tasks with an empty setup (no npm install: nothing but the attempts is measured), in instance_id order. */
async function ioTasks(root: string, quick: boolean): Promise<TaskSpec[]> {
  const tasks = (await loadTasks(path.join(root, 'tasks'))).filter((t) => t.setup.trim() === '').sort((a, b) => a.instance_id.localeCompare(b.instance_id));
  if (!tasks.length) throw new Error('no bundled task has an empty setup: the I/O-bound bench has nothing to run');
  return quick ? tasks.slice(0, 1) : tasks;
}

/**
 * The model: call k of an attempt (k = assistant turns so far) runs a cheap command; call 4 applies
 * the task's gold.patch from a heredoc on stdin (no shared file: with `--sandbox local` the attempts
 * share /tmp); call 5 submits. Every reply after `latencyMs`.
 */
function script(tasks: TaskSpec[], latencyMs: number) {
  return (req: FakeRequest) => {
    const messages: Array<{ role: string; content: unknown }> = req.body?.messages ?? [];
    const turn = messages.filter((m) => m.role === 'assistant').length;
    const text = JSON.stringify(messages);
    const task = tasks.find((t) => text.includes(JSON.stringify(t.problem_statement.slice(0, 200)).slice(1, -1)));
    const usage = { prompt_tokens: 2000, completion_tokens: 100 };
    const reply = (command: string) => toolCall('bash', { command }, { usage, delayMs: latencyMs });
    if (turn >= IO_CALLS_PER_ATTEMPT - 1) return reply('echo FIXBENCH_SUBMIT');
    if (turn === IO_CALLS_PER_ATTEMPT - 2 && task) return reply(`git apply - <<'FIXBENCH_EOF'\n${task.patch}FIXBENCH_EOF`);
    return reply(['ls', 'git status --short', 'cat package.json'][turn] ?? 'true');
  };
}

/** The assistant messages of a request (its attempt's turns so far). */
const assistantTurns = (q: FakeRequest): Array<{ tool_calls?: Array<{ id?: string }> }> => (q.body?.messages ?? []).filter((m: { role: string }) => m.role === 'assistant');

/**
 * Index in the provider's log of the call whose reply this request answers: its last assistant
 * message's tool call id is `call_<index>_0` (test/helpers/fake-provider.ts numbers replies by request).
 */
function previousCall(q: FakeRequest): number | undefined {
  const m = /^call_(\d+)_\d+$/.exec(assistantTurns(q).at(-1)?.tool_calls?.[0]?.id ?? '');
  return m ? Number(m[1]) : undefined;
}

export async function benchIoBound(ctx: BenchContext): Promise<SectionResult> {
  const tasks = await ioTasks(ctx.root, ctx.quick);
  const attempts = ctx.quick ? 8 : IO_ATTEMPTS;
  const perTask = Math.ceil(attempts / tasks.length);
  const total = perTask * tasks.length;
  const latencyMs = IO_LATENCY_MS;
  ctx.log(`io-bound: ${total} attempts (${tasks.length} tasks × ${perTask}) at once, ${IO_CALLS_PER_ATTEMPT} calls each answered after ${latencyMs} ms, tests at ${os.availableParallelism()} at once`);
  const server = await startFakeProvider(script(tasks, latencyMs));
  const dir = path.join(ctx.scratch, 'io-bound');
  await mkdir(dir, { recursive: true });
  const modelsFile = path.join(dir, 'models.yaml');
  await writeFile(modelsFile, `models:\n  - id: fake-coder\n    provider: fake\n    api: openai-chat\n    base_url: ${server.baseURL}\n    api_key_env: FAKE_PROVIDER_API_KEY\n    model: fake/coder-1\n    vendor: Fake Labs\n    region: US\n`);
  const prices = path.join(dir, '2026-04-01.yaml');
  await writeFile(prices, 'as_of: "2026-04-01"\nsource: bench sheet\nmodels:\n  fake-coder: { input: "2.00", output: "8.00" }\n');
  const cpuFile = path.join(dir, 'cpu.json');
  const runId = 'bench-io-bound';
  try {
    const r = await timed(
      process.execPath,
      [
        '--import', path.join(ctx.root, 'bench', 'lib', 'cpu-preload.mjs'),
        // FIXBENCH_BENCH_CPU_PROF=<dir>: a V8 CPU profile of the fixbench process, to see where its own CPU goes.
        ...(process.env.FIXBENCH_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.FIXBENCH_BENCH_CPU_PROF] : []),
        path.join(ctx.root, 'bin', 'fixbench.mjs'), 'run', '--no-reference', '--models-file', modelsFile, '--prices', prices,
        '--task', tasks.map((t) => t.instance_id).join(','), '--attempts', String(perTask), '--concurrency', String(attempts), '--budget-usd', 'none',
        // the default sandbox (bwrap where it works, as a nightly run has it), not `local`, whose per-command /proc scan is not what a real run pays
        '--sandbox', IO_SANDBOX, '--results', path.join(dir, 'results'), '--reports', path.join(dir, 'reports'), '--run-id', runId, '--json',
      ],
      { cwd: ctx.root, env: { ...process.env, FAKE_PROVIDER_API_KEY: 'sk-fake-bench-0123456789', FIXBENCH_BENCH_CPU_FILE: cpuFile } as Record<string, string> },
    );
    const { header, attempts: records } = await readRun(path.join(dir, 'results', runId));
    const startMs = Date.parse(header.started_at);
    const suiteMs = Date.parse(header.finished_at!) - startMs;
    const calls = records.reduce((s, a) => s + a.calls, 0);
    const resolved = records.filter((a) => a.outcome === 'resolved').length;
    const cpu = JSON.parse(await readFile(cpuFile, 'utf8')) as { user: number; system: number; max_rss_kib: number };
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (records.length !== total) throw new Error(`io-bound: ${records.length} attempt records, expected ${total}`);
    if (calls !== total * IO_CALLS_PER_ATTEMPT) throw new Error(`io-bound: ${calls} model calls recorded, expected ${total * IO_CALLS_PER_ATTEMPT} (outcomes: ${[...new Set(records.map((a) => a.outcome))].join(', ')})`);
    // The provider's side: each call's arrival and its attempt's turn (assistant messages before it).
    const arrivals = server.requests.map((q) => ({ at: q.at, turn: assistantTurns(q).length, after: previousCall(q) }));
    const tl = ioTimeline(arrivals, startMs, latencyMs, IO_CALLS_PER_ATTEMPT);
    // Ideal: every attempt slot busy with nothing but model latency.
    const idealMs = Math.ceil(total / attempts) * IO_CALLS_PER_ATTEMPT * latencyMs;
    const testMs = records.reduce((s, a) => s + a.test_ms, 0);
    const slots = os.availableParallelism(); // --test-concurrency's default
    // With grading: the test slots must run every attempt's test command, so no schedule beats this.
    const gradingIdealMs = Math.max(idealMs, testMs / slots);
    const finished = records.map((a) => Date.parse(a.finished_at) - startMs).sort((a, b) => a - b);
    const gradedDuringAgentPhase = finished.filter((t) => t < tl.agentPhaseMs).length;
    const outcomes = Object.entries(records.reduce<Record<string, number>>((o, a) => ({ ...o, [a.outcome]: (o[a.outcome] ?? 0) + 1 }), {})).map(([k, v]) => `${v} ${k}`).join(', ');
    const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return {
      section: 'io-bound',
      measurements: [
        single(`io-bound: ${total} attempts at once, ${IO_CALLS_PER_ATTEMPT} calls × ${latencyMs / 1000} s: throughput ÷ ideal (agent phase: model loops ended)`, tl.loopsEnded === total ? idealMs / tl.agentPhaseMs : 0, '×', IO_BOUND_TARGET),
        single(`io-bound: model calls waiting on the provider at once (most)`, tl.maxInFlight, '', { op: '>=', limit: attempts, unit: '' }, 0),
        single(`io-bound: whole run with grading: throughput ÷ grading-bound ideal (max(ideal, test commands ÷ ${slots} test slots))`, gradingIdealMs / suiteMs, '×', null),
        single('io-bound: whole run with grading ÷ the ideal without it (the issue\'s formula)', idealMs / suiteMs, '×', null),
        // Every attempt applies gold.patch: one that is not resolved is a harness fault under concurrency (or a test timing out under load).
        single('io-bound: attempts resolved (each applies gold.patch, so all must be)', resolved, '', { op: '>=', limit: total, unit: '' }, 0),
        single("io-bound: fixbench's own CPU (its process, not git/tests/sandbox) per attempt", cpuMs / total, ' ms', null, 0),
      ],
      profile: [
        `agent phase ${s1(tl.agentPhaseMs)} (ideal ${s1(idealMs)}): ${tl.loopsEnded}/${total} model loops ended; calls arrived, per turn, between ${tl.turns.map((t) => `${s1(t.first)}–${s1(t.last)}`).join(', ')} after the start (${tl.maxInFlight} waiting at once at most)`,
        `fixbench's turnaround per turn (a reply → the same attempt's next call, median / largest): ${tl.turns.filter((t) => t.gap).map((t) => `turn ${t.turn + 1} ${t.gap!.median} / ${t.gap!.max} ms`).join(', ')}; the first call ${s1(tl.turns[0]!.first)}–${s1(tl.turns[0]!.last)} after the start`,
        `grading: the first attempt's model loop ended at ${s1(tl.firstLoopEndMs)}, the first record at ${s1(finished[0]!)}, ${gradedDuringAgentPhase} attempt(s) graded before the agent phase ended, the last at ${s1(finished.at(-1)!)}; run ${s1(suiteMs)} against the grading-bound ideal ${s1(gradingIdealMs)} (test commands ${(testMs / 1000).toFixed(1)} s summed ÷ ${slots} slots), whole process ${s1(r.ms)}`,
        `each grading holds a test slot ${((suiteMs - tl.firstLoopEndMs) * slots / total / 1000).toFixed(2)} s on average (test command ${(testMs / total / 1000).toFixed(2)} s, plus the canary runs, a fresh checkout and the apply chain); outcomes: ${outcomes}`,
        `fixbench's own CPU ${(cpuMs / 1000).toFixed(1)} s (${((cpuMs / r.ms) * 100).toFixed(0)}% of one core over the run; peak RSS ${(cpu.max_rss_kib / 1024).toFixed(0)} MiB; host git on workspaces, agent commands and test runs fork in the small spawn helper; only pre-flight's git still forks on the event loop): ${calls} calls through the SDK, ${total * (IO_CALLS_PER_ATTEMPT - 1)} agent commands, records, logs and the report`,
      ],
      notes: [`io-bound tasks (rule: empty setup): ${tasks.map((t) => t.instance_id).join(', ')}; sandbox ${header.sandbox}; load average at the start ${os.loadavg()[0]!.toFixed(1)}`],
    };
  } finally {
    await server.close();
  }
}
