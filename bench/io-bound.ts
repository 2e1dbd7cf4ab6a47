// I/O-bound scaling: 64 attempts at once against a fake provider on loopback (the real OpenAI
// Chat Completions protocol, test/helpers/fake-provider.ts) that answers every call after 1 s,
// 5 calls per attempt, each attempt then graded with its task's own tests. Ideal throughput is
// attempts ÷ (calls × latency); the bench states how close the run's attempt phase comes, and
// fixbench's own CPU (its process alone, not git, tests or the sandbox).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTasks } from '../src/tasks/load.ts';
import { readRun } from '../src/store/store.ts';
import type { TaskSpec } from '../src/config/task.ts';
import { startFakeProvider, toolCall, type FakeRequest } from '../test/helpers/fake-provider.ts';
import { single, timed } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Attempt throughput ÷ ideal (attempts ÷ (calls × latency)) must reach this (issue 18). */
export const IO_BOUND_TARGET = { op: '>=', limit: 0.8, unit: '×' } as const;
export const IO_ATTEMPTS = 64;
export const IO_CALLS_PER_ATTEMPT = 5;
export const IO_LATENCY_MS = 1000;

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
        path.join(ctx.root, 'bin', 'fixbench.mjs'), 'run', '--no-reference', '--models-file', modelsFile, '--prices', prices,
        '--task', tasks.map((t) => t.instance_id).join(','), '--attempts', String(perTask), '--concurrency', String(attempts), '--budget-usd', 'none',
        '--sandbox', 'local', '--results', path.join(dir, 'results'), '--reports', path.join(dir, 'reports'), '--run-id', runId, '--json',
      ],
      { cwd: ctx.root, env: { ...process.env, FAKE_PROVIDER_API_KEY: 'sk-fake-bench-0123456789', FIXBENCH_BENCH_CPU_FILE: cpuFile } as Record<string, string> },
    );
    const { header, attempts: records } = await readRun(path.join(dir, 'results', runId));
    const suiteMs = Date.parse(header.finished_at!) - Date.parse(header.started_at);
    const calls = records.reduce((s, a) => s + a.calls, 0);
    const resolved = records.filter((a) => a.outcome === 'resolved').length;
    const cpu = JSON.parse(await readFile(cpuFile, 'utf8')) as { user: number; system: number };
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // Ideal: every slot busy with nothing but model latency.
    const idealMs = Math.ceil(total / attempts) * IO_CALLS_PER_ATTEMPT * latencyMs;
    const testMs = records.reduce((s, a) => s + a.test_ms, 0);
    const slots = os.cpus().length; // --test-concurrency's default
    const outcomes = Object.entries(records.reduce<Record<string, number>>((o, a) => ({ ...o, [a.outcome]: (o[a.outcome] ?? 0) + 1 }), {})).map(([k, v]) => `${v} ${k}`).join(', ');
    if (records.length !== total) throw new Error(`io-bound: ${records.length} attempt records, expected ${total}`);
    if (calls !== total * IO_CALLS_PER_ATTEMPT) throw new Error(`io-bound: ${calls} model calls recorded, expected ${total * IO_CALLS_PER_ATTEMPT} (outcomes: ${[...new Set(records.map((a) => a.outcome))].join(', ')})`);
    return {
      section: 'io-bound',
      measurements: [
        single(`io-bound: ${total} attempts at once, ${IO_CALLS_PER_ATTEMPT} calls × ${latencyMs / 1000} s: throughput ÷ ideal (attempt phase)`, idealMs / suiteMs, '×', IO_BOUND_TARGET),
        single('io-bound: throughput ÷ ideal (whole run, with start-up and report)', idealMs / r.ms, '×', null),
        // Every attempt applies gold.patch: one that is not resolved is a harness fault under concurrency (or a test timing out under load).
        single('io-bound: attempts resolved (each applies gold.patch, so all must be)', resolved, '', { op: '>=', limit: total, unit: '' }, 0),
        single("io-bound: fixbench's own CPU (its process, not git/tests/sandbox) per attempt", cpuMs / total, 'ms', null, 0),
        // The test commands alone (not the canary runs, checkouts and patch work that also hold a test slot) against the test slots × the attempt phase.
        single(`io-bound: test commands' share of the ${slots} test slots over the attempt phase`, testMs / (slots * suiteMs), '×', null),
      ],
      profile: [
        `attempt phase ${suiteMs.toFixed(0)} ms (ideal ${idealMs} ms), whole run ${r.ms.toFixed(0)} ms; ${calls} calls; ${resolved}/${total} resolved (the model applies gold.patch; outcomes: ${outcomes})`,
        `grading needs the test slots for at least ${(testMs / slots / 1000).toFixed(1)} s (test commands ${testMs.toFixed(0)} ms summed ÷ ${slots} slots) after the model calls end: with one wave of attempts the ideal leaves that out`,
        `fixbench's own CPU ${cpuMs.toFixed(0)} ms (${((cpuMs / r.ms) * 100).toFixed(0)}% of one core over the run); test commands ${(testMs / total).toFixed(0)} ms per attempt`,
      ],
      notes: [`io-bound tasks (rule: empty setup): ${tasks.map((t) => t.instance_id).join(', ')}`],
    };
  } finally {
    await server.close();
  }
}
