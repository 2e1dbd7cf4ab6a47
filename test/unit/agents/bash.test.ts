import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BASH_TOOL, SUBMIT_SENTINEL } from '../../../src/agents/bash-protocol.ts';
import { InfraError } from '../../../src/core/errors.ts';
import type { Sandbox } from '../../../src/sandbox/types.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { bashBlock, errorReply, textReply, toolCall, type FakeReply } from '../../helpers/fake-openai.ts';
import { TEST_KEY, cleanupRuns, runBash } from './harness.ts';

afterEach(cleanupRuns);

const bash = (command: string, extra: Omit<FakeReply, 'tool_calls'> = {}) => toolCall('bash', { command }, extra);
const submit = () => bash(`echo ${SUBMIT_SENTINEL}`);

describe('bash agent: tool-call protocol', () => {
  it('edits a file and submits: the patch holds the edit, exit status submitted', async () => {
    const run = await runBash([bash("sed -i 's/hello/hullo/' greet.txt", { content: 'Fix the greeting.' }), submit()]);
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.error).toBeUndefined();
    expect(run.result.model_patch).toContain('-hello\n+hullo\n');
    expect(run.result.steps).toBe(2);
    expect(run.result.calls).toHaveLength(2);
    expect(run.server.requests).toHaveLength(2);
  });

  it('offers the bash tool, sends the key in the Authorization header, and answers each tool call with a tool message', async () => {
    const run = await runBash([bash('cat greet.txt'), submit()]);
    const first = run.server.requests[0]!;
    expect(first.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(first.body.tools).toEqual([BASH_TOOL]);
    const msgs = run.messagesOf(1);
    expect(msgs.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(msgs[2].tool_calls[0].id).toBe('call_0_0');
    expect(msgs[3]).toMatchObject({ role: 'tool', tool_call_id: 'call_0_0' });
    expect(msgs[3].content).toContain('<returncode>0</returncode>');
    expect(msgs[3].content).toContain('hello');
  });

  it('puts the problem statement and the submit instruction in the prompt', async () => {
    const run = await runBash([submit()]);
    const [system, instance] = run.messagesOf(0);
    expect(system.role).toBe('system');
    expect(instance.content).toContain('greet() says "hello"'); // not HTML-escaped
    expect(instance.content).toContain(`echo ${SUBMIT_SENTINEL}`);
  });

  it('falls back to a fenced block when a tool-capable model answers without a tool call', async () => {
    const run = await runBash([bashBlock("sed -i 's/hello/hullo/' greet.txt"), submit()]);
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.model_patch).toContain('+hullo');
    const msgs = run.messagesOf(1);
    expect(msgs[3].role).toBe('user');
    expect(msgs[3].content).toContain('<returncode>0</returncode>');
  });

  // "Never shows the model the gold patch or the hidden tests": no-gold-in-history.test.ts, on a
  // workspace whose repository history holds them.
});

describe('bash agent: fenced-block protocol', () => {
  it('runs the one ```bash block of each reply, sends no tools, and feeds observations as user messages', async () => {
    const run = await runBash([bashBlock("sed -i 's/hello/hullo/' greet.txt"), bashBlock(`echo ${SUBMIT_SENTINEL}`)], { toolCalls: false });
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.model_patch).toContain('+hullo');
    expect(run.server.requests[0]!.body).not.toHaveProperty('tools');
    const msgs = run.messagesOf(1);
    expect(msgs.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(run.messagesOf(0)[0].content).toContain('```bash');
  });
});

describe('bash agent: limits', () => {
  it('stops at the step limit and still extracts the patch', async () => {
    const run = await runBash([bash("sed -i 's/hello/hullo/' greet.txt"), bash('ls'), bash('ls')], { limits: { steps: 2 } });
    expect(run.result.exit_status).toBe('step_limit');
    expect(run.result.steps).toBe(2);
    expect(run.server.requests).toHaveLength(2);
    expect(run.result.model_patch).toContain('+hullo');
  });

  it('stops at the cost limit summed from the calls’ list_usd', async () => {
    // input at 10 USD/MTok: 100 000 prompt tokens cost 1 USD per call.
    const usage = { prompt_tokens: 100_000, completion_tokens: 0 };
    const run = await runBash([bash('ls', { usage }), bash('ls', { usage }), bash('ls', { usage }), bash('ls', { usage })], {
      price: { input: '10', output: '10' },
      limits: { costUsd: 1.5 },
    });
    expect(run.result.exit_status).toBe('cost_limit');
    expect(run.result.calls.map((c) => c.list_usd)).toEqual([1, 1]);
    expect(run.server.requests).toHaveLength(2);
  });

  it('regression: a hard USD cap it cannot enforce (price unknown, no cost stated) stops the attempt after that call, not at another limit', async () => {
    const run = await runBash([bash('ls'), bash('ls'), bash('ls')], { price: null, limits: { costUsd: 0.000001, steps: 3 } });
    expect(run.result.calls.every((c) => c.list_usd === null)).toBe(true);
    expect(run.result.calls).toHaveLength(1);
    expect(run.result.exit_status).toBe('cost_limit');
    expect(run.result.error).toMatch(/cost limit of 0\.000001 USD cannot be enforced: 1 call\(s\) had a cost unknown to the price sheet/);
  });

  it('without a USD cap, an unknown price does not stop the attempt', async () => {
    const run = await runBash([bash('ls'), bash('ls'), bash('ls')], { price: null, limits: { steps: 3 } });
    expect(run.result.exit_status).toBe('step_limit');
  });

  it('stops at the wall-time limit (checked between steps, on the injected clock)', async () => {
    let t = 0;
    const run = await runBash([bash('ls'), bash('ls'), bash('ls')], {
      limits: { wallMs: 100_000 },
      agent: { now: () => (t += 30_000) },
    });
    expect(run.result.exit_status).toBe('time_limit');
    expect(run.result.steps).toBeLessThan(3);
  });

  it('ends with format_errors after limits.formatErrors bad replies in a row, feeding each error back', async () => {
    const run = await runBash([
      textReply('I think the bug is in greet.'), // no command
      toolCall('bash', '{"command": "ls"'), // bad JSON
      { content: null, tool_calls: [{ name: 'bash', arguments: { command: 'ls' } }, { name: 'bash', arguments: { command: 'pwd' } }] }, // two calls
      submit(),
    ]);
    expect(run.result.exit_status).toBe('format_errors');
    expect(run.result.calls).toHaveLength(3);
    expect(run.server.requests).toHaveLength(3);
    expect(run.messagesOf(1).at(-1)).toMatchObject({ role: 'user' });
    expect(run.messagesOf(1).at(-1).content).toContain('called no tool');
    const afterBadJson = run.messagesOf(2).at(-1);
    expect(afterBadJson.role).toBe('tool');
    expect(afterBadJson.content).toContain('not valid JSON');
    const traj = await run.trajectory();
    expect(traj.steps).toHaveLength(3);
    expect(traj.steps[2].observation).toContain('2 tool calls');
  });

  it('a valid command resets the format-error count', async () => {
    const run = await runBash([textReply('hmm'), textReply('hmm'), bash('ls'), textReply('hmm'), textReply('hmm'), submit()]);
    expect(run.result.exit_status).toBe('submitted');
  });

  it('tells the model a reply cut off by finish_reason length is a format error', async () => {
    const run = await runBash([bash('ls', { finish_reason: 'length' }), submit()]);
    expect(run.result.exit_status).toBe('submitted');
    expect(run.messagesOf(1).at(-1).content).toContain('finish_reason "length"');
    expect(run.result.trajectory[0]!.command).toBeNull();
  });
});

describe('bash agent: provider errors', () => {
  it('ends with context_exceeded when the provider refuses the prompt as too long', async () => {
    const run = await runBash([
      bash("sed -i 's/hello/hullo/' greet.txt"),
      errorReply(400, { message: "This model's maximum context length is 8192 tokens.", code: 'context_length_exceeded' }),
    ]);
    expect(run.result.exit_status).toBe('context_exceeded');
    expect(run.result.calls).toHaveLength(1);
    expect(run.result.model_patch).toContain('+hullo');
  });

  it('ends with api_error on an auth failure, without the key in the error', async () => {
    const run = await runBash([bash("sed -i 's/hello/hullo/' greet.txt"), errorReply(401, { message: `bad key ${TEST_KEY}`, code: 'invalid_api_key' })]);
    expect(run.result.exit_status).toBe('api_error');
    expect(run.result.error).toContain('auth');
    expect(run.result.error).not.toContain(TEST_KEY);
    expect(run.result.model_patch).toContain('+hullo');
    expect(JSON.stringify(await run.trajectory())).not.toContain(TEST_KEY);
  });

  it('ends with api_error after retries when the server keeps failing (script exhausted → 500)', async () => {
    const run = await runBash([bash('ls')]);
    expect(run.result.exit_status).toBe('api_error');
    expect(run.result.error).toContain('script exhausted');
    expect(run.server.requests).toHaveLength(1 + 4);
  });

  it('counts the billed call of a failed request', async () => {
    const run = await runBash([bash('ls'), { body: { choices: [], usage: { prompt_tokens: 500, completion_tokens: 7 } } }]);
    expect(run.result.exit_status).toBe('api_error');
    expect(run.result.calls).toHaveLength(2);
    expect(run.result.calls[1]!.usage.input_uncached).toBe(500);
  });
});

describe('bash agent: commands', () => {
  it('kills a command that outlives its timeout and tells the model', async () => {
    const run = await runBash([bash('sleep 30; echo late > late.txt'), submit()], { limits: { commandTimeoutMs: 300 } });
    expect(run.result.exit_status).toBe('submitted');
    const obs = run.result.trajectory[0]!.observation!;
    expect(obs).toContain('timed out after 0.3 seconds and was killed');
    expect(obs).toContain('<returncode>none (killed by SIGKILL)</returncode>');
    expect(existsSync(path.join(run.ws.dir, 'late.txt'))).toBe(false);
  });

  it('cuts long output to head and tail with the number of elided characters', async () => {
    const full = Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join('');
    const run = await runBash([bash('seq 1 1000'), submit()], { limits: { outputChars: 100 } });
    const obs = run.result.trajectory[0]!.observation!;
    expect(obs).toContain(`<output_head>\n${full.slice(0, 50)}\n</output_head>`);
    expect(obs).toContain(`<output_tail>\n${full.slice(-50)}\n</output_tail>`);
    expect(obs).toContain(`${full.length - 100} characters elided`);
    expect(obs).toContain('too long');
  });

  it('shows stderr and the exit code of a failing command', async () => {
    const run = await runBash([bash('ls no-such-file'), submit()]);
    const obs = run.result.trajectory[0]!.observation!;
    expect(obs).toMatch(/<returncode>2<\/returncode>/);
    expect(obs).toContain('no-such-file');
  });

  it('runs each command in a fresh shell at the repository root', async () => {
    const run = await runBash([bash('mkdir sub && cd sub && export X=1'), bash('pwd; echo "X=${X:-unset}"'), submit()]);
    const obs = run.result.trajectory[1]!.observation!;
    expect(obs).toContain(`${run.ws.dir}\n`);
    expect(obs).toContain('X=unset');
  });

  it('gives commands no *_API_KEY variable even when the parent process has one', async () => {
    const saved = process.env.OPENROUTER_API_KEY;
    process.env.OPENROUTER_API_KEY = 'sk-or-v1-parent-secret-value';
    try {
      const run = await runBash([bash('env'), submit()]);
      const obs = run.result.trajectory[0]!.observation!;
      expect(obs).toContain('PATH=');
      expect(obs).not.toMatch(/_API_KEY=/);
      expect(obs).not.toContain('sk-or-v1-parent-secret-value');
      expect(obs).not.toContain(TEST_KEY);
      // and the model saw the same observation
      expect(JSON.stringify(run.messagesOf(1))).not.toContain('parent-secret');
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_API_KEY;
      else process.env.OPENROUTER_API_KEY = saved;
    }
  });

  it('ends with env_error when the sandbox throws, and still extracts the patch', async () => {
    const broken: Sandbox = {
      kind: 'local',
      exec: async () => {
        throw new InfraError('bash could not be started');
      },
    };
    const run = await runBash([bash('ls')], { sandbox: broken });
    expect(run.result.exit_status).toBe('env_error');
    expect(run.result.error).toContain('bash could not be started');
    expect(run.result.model_patch).toBe('');
  });

  it('ends with env_error "interrupted" when the run is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const run = await runBash([bash('ls')], { signal: ac.signal });
    expect(run.result.exit_status).toBe('env_error');
    expect(run.result.error).toBe('interrupted');
    expect(run.server.requests).toHaveLength(0);
  });

  it('an abort kills the running command at once, not after --command-timeout (the signal reaches sandbox.exec)', async () => {
    const ac = new AbortController();
    const real = new LocalSandbox();
    const seen: Array<AbortSignal | undefined> = [];
    const sandbox: Sandbox = {
      kind: 'local',
      exec: (cmd, opts) => {
        seen.push(opts.signal);
        if (cmd.includes('sleep 30')) setTimeout(() => ac.abort(), 200);
        return real.exec(cmd, opts);
      },
    };
    const t0 = Date.now();
    const run = await runBash([bash('sleep 30')], { sandbox, signal: ac.signal, limits: { commandTimeoutMs: 60_000 } }).finally(() => real.cleanup());
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s !== undefined)).toBe(true);
    expect(run.result).toMatchObject({ exit_status: 'env_error', error: 'interrupted' });
  });
});

describe('bash agent: trajectory', () => {
  it('hands the store a document of whole steps after every step, and every step with the exit status in the end', async () => {
    const written: Array<{ steps: number; whole: boolean }> = [];
    const run = await runBash([bash('echo one'), bash('echo two'), submit()], {
      agent: { saveDelayMs: 0 },
      sink: (store) => async (doc) => {
        const steps = doc.format === 'fixbench-trajectory/1' ? doc.steps : [];
        written.push({ steps: steps.length, whole: steps.every((s) => s.observation !== null) });
        await store(doc);
      },
    });
    // written behind the loop, so some steps may share a write; never half a step, never going back
    expect(written.every((w) => w.whole)).toBe(true);
    expect(written.map((w) => w.steps)).toEqual([...written.map((w) => w.steps)].sort((a, b) => a - b));
    expect(written.at(-1)!.steps).toBe(3);
    const traj = await run.trajectory();
    expect(traj).toMatchObject({ format: 'fixbench-trajectory/1', agent: 'bash', model: 'fake-model', instance_id: 'demo-1', exit_status: 'submitted' });
    expect(traj.steps).toHaveLength(3);
    expect(traj.steps[0]).toMatchObject({ step: 1, command: 'echo one', context_tokens: 100 });
    expect(traj.steps[0].observation).toContain('one');
    expect(traj.steps[0].call.usage.input_uncached).toBe(100);
    expect(traj.steps[2].observation).toContain(SUBMIT_SENTINEL);
    expect(traj.messages.at(-1).role).toBe('tool');
    expect(traj.steps).toEqual(run.result.trajectory);
  });

  it('regression: the next model call does not wait for a trajectory write (each was awaited between the output and the call)', async () => {
    // The store's first write is held until the model has been called 3 times (or 5 s, so old code ends too).
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const fallback = setTimeout(() => open(), 5000);
    let held = true;
    const heldAtCall: boolean[] = [];
    const replies = [bash('echo one'), bash('echo two'), submit()];
    let writes = 0;
    const run = await runBash(
      (_req, i) => {
        heldAtCall.push(held);
        if (i === 2) open();
        return replies[i];
      },
      {
        agent: { saveDelayMs: 0 },
        sink: (store) => async (doc) => {
          if (writes++ === 0) await gate.then(() => (held = false));
          await store(doc);
        },
      },
    );
    clearTimeout(fallback);
    expect(heldAtCall).toEqual([true, true, true]);
    expect(run.result.exit_status).toBe('submitted');
    // the steps finished meanwhile share writes: fewer than one per step (3) plus the first and the last
    expect(writes).toBeLessThan(5);
    expect((await run.trajectory()).steps).toHaveLength(3);
  });

  it('ends with env_error before the next model call when a trajectory write fails, and still writes the last document', async () => {
    let writes = 0;
    const run = await runBash([bash('echo one'), bash('echo two'), submit()], {
      agent: { saveDelayMs: 0 },
      sink: (store) => async (doc) => {
        if (writes++ === 0) throw new Error('disk full');
        await store(doc);
      },
    });
    expect(run.result.exit_status).toBe('env_error');
    expect(run.result.error).toBe('trajectory not written: disk full');
    expect(run.server.requests).toHaveLength(1);
    expect(await run.trajectory()).toMatchObject({ exit_status: 'env_error', error: 'trajectory not written: disk full' });
  });
});
