// The built-in bash agent: one test per exit status of DESIGN.md §5 (each after an edit, so the
// patch is extracted however the attempt ended), the near-limit notes, per-step usage and context
// size, prompt-cache breakpoints, and bounded memory on a command printing 50 MB.
import { afterEach, describe, expect, it } from 'vitest';
import { SUBMIT_SENTINEL, withCacheBreakpoints } from '../../../src/agents/bash-protocol.ts';
import { truncateHeadTail } from '../../../src/core/truncate.ts';
import type { ExitStatus } from '../../../src/core/outcome.ts';
import { InfraError } from '../../../src/core/errors.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';
import { errorReply, textReply, toolCall, type FakeReply } from '../../helpers/fake-openai.ts';
import { execa } from 'execa';
import path from 'node:path';
import { ROOT } from '../../helpers/cli.ts';
import { cleanupRuns, runBash, type RunOptions } from './harness.ts';

afterEach(cleanupRuns);

const MEMORY_SCRIPT = path.join(ROOT, 'test', 'fixtures', 'agents', 'huge-output-memory.mts');

const bash = (command: string, extra: Omit<FakeReply, 'tool_calls'> = {}) => toolCall('bash', { command }, extra);
const EDIT = "sed -i 's/hello/hullo/' greet.txt";

/** A sandbox that runs the first command for real and then fails as an infrastructure fault would. */
function failingAfterFirst(): Sandbox {
  const real = new LocalSandbox();
  let n = 0;
  return {
    kind: 'local',
    exec: async (cmd, opts) => {
      if (n++ === 0) return real.exec(cmd, opts);
      throw new InfraError('the sandbox lost its workspace mount');
    },
  };
}

const million = { prompt_tokens: 100_000, completion_tokens: 0 }; // 1 USD at 10 USD/MTok
let clock = 0;

const cases: Array<{ exit: ExitStatus; script: FakeReply[]; opts?: () => RunOptions; requests: number; error?: RegExp }> = [
  { exit: 'submitted', script: [bash(EDIT), bash(`echo ${SUBMIT_SENTINEL}`)], requests: 2 },
  { exit: 'step_limit', script: [bash(EDIT), bash('ls'), bash('ls')], opts: () => ({ limits: { steps: 2 } }), requests: 2, error: /step limit of 2/ },
  {
    exit: 'cost_limit',
    script: [bash(EDIT, { usage: million }), bash('ls', { usage: million }), bash('ls')],
    opts: () => ({ price: { input: '10', output: '10' }, limits: { costUsd: 2 } }),
    requests: 2,
    error: /cost limit of 2 USD/,
  },
  {
    exit: 'time_limit',
    script: [bash(EDIT), bash('ls'), bash('ls')],
    opts: () => ((clock = 0), { limits: { wallMs: 100_000 }, agent: { now: () => (clock += 40_000) } }),
    requests: 1,
    error: /wall time limit of 100 s/,
  },
  { exit: 'format_errors', script: [bash(EDIT), textReply('a'), textReply('b'), textReply('c'), bash('ls')], requests: 4, error: /3 format errors in a row/ },
  {
    exit: 'context_exceeded',
    script: [bash(EDIT), errorReply(400, { message: "This model's maximum context length is 8192 tokens.", code: 'context_length_exceeded' })],
    requests: 2, // refused once and never retried
    error: /context/,
  },
  { exit: 'api_error', script: [bash(EDIT), errorReply(403, { message: 'forbidden', code: 'permission_denied' })], requests: 2, error: /auth|403/ },
  { exit: 'env_error', script: [bash(EDIT), bash('ls')], opts: () => ({ sandbox: failingAfterFirst() }), requests: 2, error: /lost its workspace mount/ },
];

describe('bash agent: every exit status of DESIGN.md §5, with the diff still extracted', () => {
  it.each(cases)('$exit', async ({ exit, script, opts, requests, error }) => {
    const run = await runBash(script, opts?.() ?? {});
    expect(run.result.exit_status).toBe(exit);
    expect(run.server.requests).toHaveLength(requests);
    expect(run.result.model_patch).toContain('+hullo');
    if (error) expect(run.result.error).toMatch(error);
    else expect(run.result.error).toBeUndefined();
    // The trajectory on disk ends with the same status.
    const traj = await run.trajectory();
    expect(traj.exit_status).toBe(exit);
    expect(traj.steps).toEqual(run.result.trajectory);
  });
});

describe('bash agent: command timeout', () => {
  it('kills the whole process group at the timeout and shows the output printed before it', async () => {
    // The backgrounded grandchild would write late.txt 1 s in; the next steps wait past that.
    const run = await runBash([bash('echo partial-before; (sleep 1; echo grandchild > late.txt) & sleep 30'), bash('sleep 0.4'), bash('sleep 0.4'), bash('sleep 0.4'), bash(`echo ${SUBMIT_SENTINEL}`)], {
      limits: { commandTimeoutMs: 500 },
    });
    expect(run.result.trajectory[1]!.observation).toContain('<returncode>0</returncode>');
    const obs = run.result.trajectory[0]!.observation!;
    expect(obs).toContain('timed out after 0.5 seconds');
    expect(obs).toContain('partial-before');
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.model_patch).not.toContain('late.txt'); // the grandchild died with the group
  });
});

describe('bash agent: notes near the limits', () => {
  it('warns as the step limit nears, and says when the next step is the last', async () => {
    const run = await runBash([bash('ls'), bash('ls'), bash('ls'), bash('ls')], { limits: { steps: 4 } });
    expect(run.result.exit_status).toBe('step_limit');
    const obs = run.result.trajectory.map((s) => s.observation ?? '');
    expect(obs[0]).not.toContain('<limits_warning>'); // 3 left of 4: not yet
    expect(obs[1]).toContain('Only 2 steps left.');
    expect(obs[2]).toContain('This is your LAST step');
    // The model got the note in the message it answered.
    expect(run.messagesOf(3).at(-1).content).toContain('This is your LAST step');
  });

  it('warns when 80% of the USD cap is spent, with what is left', async () => {
    const usage = { prompt_tokens: 85_000, completion_tokens: 0 }; // 0.85 USD at 10 USD/MTok
    const run = await runBash([bash('ls', { usage }), bash(`echo ${SUBMIT_SENTINEL}`)], { price: { input: '10', output: '10' }, limits: { costUsd: 1 } });
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.trajectory[0]!.observation).toContain('Less than 20% of the USD budget is left (0.1500 USD)');
  });

  it('warns when 80% of the wall time is gone', async () => {
    let t = 0;
    const times = [0, 0, 85_000]; // start, format-error step, then the note
    const run = await runBash([textReply('thinking'), bash(`echo ${SUBMIT_SENTINEL}`)], {
      limits: { wallMs: 100_000 },
      agent: { now: () => times[t++] ?? 86_000 },
    });
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.trajectory[0]!.observation).toMatch(/Format error[\s\S]*Less than 20% of the time is left \(about 15 s\)/);
  });
});

describe('bash agent: per-step usage and context size', () => {
  it('records each step’s call usage, its prompt size and the USD spent so far', async () => {
    const run = await runBash(
      [
        bash('ls', { usage: { prompt_tokens: 1000, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 0 } } }),
        bash(`echo ${SUBMIT_SENTINEL}`, { usage: { prompt_tokens: 1600, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 900 } } }),
      ],
      { price: { input: '1', output: '2', cache_read: '0.1' } },
    );
    const traj = await run.trajectory();
    expect(traj.steps.map((s: any) => s.context_tokens)).toEqual([1000, 1600]);
    expect(traj.steps[1].call.usage).toMatchObject({ input_uncached: 700, cache_read: 900, output: 10 });
    // (1000·1 + 50·2)/1e6 = 0.0011; + (700·1 + 900·0.1 + 10·2)/1e6 = 0.00081 → 0.00191
    expect(traj.steps[0].spent_usd).toBeCloseTo(0.0011, 12);
    expect(traj.steps[1].spent_usd).toBeCloseTo(0.00191, 12);
  });
});

describe('bash agent: prompt caching', () => {
  it('keeps a stable prefix: each request starts with the previous request’s messages unchanged', async () => {
    const run = await runBash([bash('ls'), bash('echo hi'), bash(`echo ${SUBMIT_SENTINEL}`)]);
    for (let i = 1; i < 3; i++) {
      const prev = run.messagesOf(i - 1);
      expect(run.messagesOf(i).slice(0, prev.length)).toEqual(prev);
    }
  });

  it('marks Anthropic cache breakpoints on the system message and the last two user/tool messages when asked', async () => {
    const run = await runBash([bash('ls'), bash('echo hi'), bash(`echo ${SUBMIT_SENTINEL}`)], { agent: { cacheControl: true } });
    const msgs = run.messagesOf(2); // system, user, assistant, tool, assistant, tool
    const marked = msgs.map((m: any) => Array.isArray(m.content) && m.content[0].cache_control?.type === 'ephemeral');
    expect(marked).toEqual([true, false, false, true, false, true]);
    expect(msgs[0].content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('software engineer') });
    // The trajectory keeps plain strings.
    const traj = await run.trajectory();
    expect(traj.messages.every((m: any) => m.content === null || typeof m.content === 'string')).toBe(true);
  });

  it('withCacheBreakpoints leaves its input unchanged and uses at most three breakpoints', () => {
    const input = [
      { role: 'system' as const, content: 's' },
      { role: 'user' as const, content: 'u1' },
      { role: 'user' as const, content: 'u2' },
      { role: 'user' as const, content: 'u3' },
    ];
    const copy = structuredClone(input);
    const out = withCacheBreakpoints(input);
    expect(input).toEqual(copy);
    expect(out.filter((m) => Array.isArray(m.content))).toHaveLength(3);
    expect(out[1]).toBe(input[1]);
  });
});

describe('bash agent: huge output', () => {
  it('a command printing 50 MB is shown to the model as head, tail and the elided count', async () => {
    // 50 000 000 bytes: a first line, 'x' filler, a last line.
    const cmd = `echo FIRST-LINE; head -c 49999970 /dev/zero | tr '\\0' x; echo; echo LAST-LINE`;
    const run = await runBash([bash(cmd), bash(`echo ${SUBMIT_SENTINEL}`)], { limits: { outputChars: 1000, commandTimeoutMs: 120_000 } });
    const obs = run.result.trajectory[0]!.observation!;
    expect(obs).toMatch(/<output_head>\nFIRST-LINE\nxxx/);
    expect(obs).toMatch(/xxx\nLAST-LINE\n\n<\/output_tail>/);
    const elided = Number(/(\d+) characters elided/.exec(obs)![1]);
    const total = 'FIRST-LINE\n'.length + 49_999_970 + 1 + 'LAST-LINE\n'.length;
    expect(elided).toBe(total - 1000);
    expect(obs).toContain(`too long (${total} characters)`);
    expect(obs.length).toBeLessThan(3000);
  }, 60_000);

  it('the harness’s memory does not grow with a 50 MB output (measured in a child process after full GCs)', async () => {
    // The real sandbox path with the agent's capture (1 MiB: 512 KiB head + 512 KiB tail), and as a
    // control the same path keeping everything: the meter must see the 50 MB in the control.
    const measure = async (maxOutputBytes: number, keepTailBytes: number, bytes = 50_000_000) => {
      const r = await execa(process.execPath, ['--expose-gc', '--import', 'tsx', MEMORY_SCRIPT, String(bytes), String(maxOutputBytes), String(keepTailBytes)], { cwd: ROOT });
      return JSON.parse(r.stdout) as { peakBytes: number; head: number; tail: number; omitted: number };
    };
    const bounded = await measure(1 << 20, 1 << 19);
    expect(bounded).toMatchObject({ head: 1 << 19, tail: 1 << 19, omitted: 50_000_000 - (1 << 20) });
    // What stays reachable is the 1 MiB capture plus pipe chunks in flight, which vary from run to run
    // (2–35 MB measured here) but do not grow with the output: 4× the output holds no more.
    expect(bounded.peakBytes).toBeLessThan(40_000_000);
    const bounded4x = await measure(1 << 20, 1 << 19, 200_000_000);
    expect(bounded4x.omitted).toBe(200_000_000 - (1 << 20));
    expect(bounded4x.peakBytes).toBeLessThan(40_000_000);
    const whole = await measure(64 << 20, 0);
    expect(whole.head).toBe(50_000_000);
    expect(whole.peakBytes).toBeGreaterThan(50_000_000);
  }, 180_000);

  it('truncateHeadTail keeps maxChars in all and counts the never-kept bytes as elided', () => {
    const cut = truncateHeadTail('HEAD-abcdefgh', 'ijklmn-TAIL', 1000, 10);
    expect(cut).toEqual({ truncated: true, head: 'HEAD-', tail: 'n-TAIL'.slice(-5), elidedChars: 8 + 6 + 1000, totalChars: 13 + 11 + 1000 });
  });
});
