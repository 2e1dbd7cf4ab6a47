// The `command` agent: a scripted external agent CLI (test/fixtures/agents/scripted-agent.mjs, using
// the real `openai` SDK) runs in the local sandbox; its calls go through the metering proxy to a fake
// upstream on loopback.
import { realpathSync } from 'node:fs';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { isolateAttempt } from '../../../src/sandbox/attempt.ts';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandAgent, PROBLEM_FILE, shellQuote, validateCommandAgent, type CommandAgentOptions } from '../../../src/agents/command.ts';
import type { AgentUpstream, AttemptResult } from '../../../src/agents/types.ts';
import { trajectoryPath as storeTrajectoryPath, trajectorySink } from '../../../src/store/trajectory.ts';
import { noRedaction } from '../../../src/core/redact.ts';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import type { ExitStatus } from '../../../src/core/outcome.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import type { SandboxBackend } from '../../../src/sandbox/types.ts';
import { bwrapUsable } from '../sandbox/bwrap-usable.ts';
import { ROOT } from '../../helpers/cli.ts';
import { attemptOutcome } from '../../../src/runner/outcome.ts';
import { chatCompletion, chatStream, startFakeUpstream, type FakeUpstream, type UpstreamReply } from '../../helpers/fake-upstream.ts';
import { defaultLimits, gitRepo, taskFor } from './harness.ts';
import type { AgentLimits } from '../../../src/agents/types.ts';

const SCRIPT = path.join(ROOT, 'test', 'fixtures', 'agents', 'scripted-agent.mjs');
const REAL_KEY = 'sk-real-provider-key-abcdef0123456789';
const TEMPLATE = `node ${shellQuote(SCRIPT)} --problem {{problem_file}} --model {{model}}`;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

const say = (action: unknown, usage: Record<string, unknown> | null = { prompt_tokens: 1000, completion_tokens: 100 }): UpstreamReply => ({
  json: chatCompletion(JSON.stringify(action), usage),
});
const EDIT = { edit: { file: 'greet.txt', find: 'hello', replace: 'hullo' } };

interface Run {
  result: AttemptResult & { model_patch: string };
  upstream: FakeUpstream;
  trajectory: () => Promise<any>;
  dir: string;
  ws: string;
}

async function runCommand(
  script: UpstreamReply[],
  o: { agent?: Partial<CommandAgentOptions>; limits?: Partial<AgentLimits>; upstream?: Partial<AgentUpstream>; sandbox?: SandboxBackend; signal?: AbortSignal; onUpstream?: (u: FakeUpstream) => void; isolate?: boolean } = {},
): Promise<Run> {
  const upstream = await startFakeUpstream(script);
  cleanups.push(() => upstream.close());
  o.onUpstream?.(upstream);
  const ws = await gitRepo({ 'greet.txt': 'hello\n' });
  cleanups.push(() => ws.cleanup());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cmd-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const sandbox = o.sandbox ?? new LocalSandbox();
  cleanups.push(() => sandbox.cleanup());
  const ref = { contender: 'scripted', instance_id: 'demo-1', attempt: 0 };
  const trajectoryPath = storeTrajectoryPath(dir, ref);
  // As the runner does: a private HOME/TMPDIR and the proxy's socket folder for the attempt.
  const own = o.isolate ? await isolateAttempt(sandbox) : null;
  if (own) cleanups.push(() => own.cleanup());
  const agent = new CommandAgent({ id: 'scripted', command: TEMPLATE, ...o.agent });
  const result = await agent.attempt({
    task: taskFor(ws),
    workspace: ws,
    sandbox: own?.sandbox ?? sandbox,
    ...(own ? { proxyDir: own.runDir } : {}),
    limits: { ...defaultLimits(), ...o.limits },
    saveTrajectory: trajectorySink(dir, ref, noRedaction),
    ...(o.signal ? { signal: o.signal } : {}),
    upstream: { dialect: 'openai', baseURL: upstream.openaiBaseURL, apiKey: REAL_KEY, model: 'vendor/coder-9', price: { input: '2', output: '8' }, ...o.upstream },
  });
  return { result: { ...result, model_patch: (await extractPatch(ws)).patch }, upstream, dir, ws: ws.dir, trajectory: async () => JSON.parse(await readFile(trajectoryPath, 'utf8')) };
}

describe('command agent: a scripted external CLI through the metering proxy', () => {
  it('edits the workspace and exits 0: submitted, with every call metered and priced', async () => {
    const run = await runCommand([say(EDIT), say({ done: true }, { prompt_tokens: 1500, completion_tokens: 20 })]);
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.error).toBeUndefined();
    expect(run.result.model_patch).toContain('+hullo');
    expect(run.result.model_patch).not.toContain('problem_statement'); // the problem file lives in .git
    expect(run.result.calls).toHaveLength(2);
    expect(run.result.steps).toBe(2);
    expect(run.result.calls.map((c) => c.usage.input_uncached)).toEqual([1000, 1500]);
    // (1000·2 + 100·8)/1e6 = 0.0028; (1500·2 + 20·8)/1e6 = 0.00316
    expect(run.result.calls[0]!.list_usd).toBeCloseTo(0.0028, 12);
    expect(run.result.calls[1]!.list_usd).toBeCloseTo(0.00316, 12);
    // The agent read the problem; upstream got the real key and the configured model.
    expect(run.upstream.requests[0]!.body.messages[1].content).toContain('greet() says "hello"');
    expect(run.upstream.requests[0]!.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
    expect(run.upstream.requests[0]!.body.model).toBe('vendor/coder-9');
    const traj = await run.trajectory();
    expect(traj).toMatchObject({ format: 'fixbench-command-trajectory/1', agent: 'scripted', exit_status: 'submitted', process: { exit_code: 0, timed_out: false } });
    expect(traj.calls).toHaveLength(2);
    expect(traj.output).toContain('scripted-agent: turn 2');
    expect(traj.command).toContain('--model');
    expect(JSON.stringify(traj)).not.toContain(REAL_KEY);
  }, 30_000);

  it('meters a streamed call from the usage of its last chunk', async () => {
    const usage = { prompt_tokens: 800, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 300 } };
    const run = await runCommand([{ sse: chatStream([JSON.stringify(EDIT).slice(0, 10), JSON.stringify(EDIT).slice(10)], usage) }, { sse: chatStream([JSON.stringify({ done: true })], usage) }], {
      agent: { command: `${TEMPLATE} --stream` },
    });
    expect(run.result.exit_status).toBe('submitted');
    expect(run.result.model_patch).toContain('+hullo');
    expect(run.result.calls).toHaveLength(2);
    expect(run.result.calls[0]!.usage).toMatchObject({ input_uncached: 500, cache_read: 300, output: 40 });
    expect(run.upstream.requests[0]!.body.stream_options).toEqual({ include_usage: true });
  }, 30_000);

  it('gives the agent only its named variables and a per-attempt proxy key, never a provider key', async () => {
    const dump = path.join(os.tmpdir(), `fixbench-envdump-${process.pid}-${Date.now()}.json`);
    cleanups.push(() => rm(dump, { force: true }));
    const hostEnv = { ...process.env, MY_AGENT_SETTING: 'on', OPENROUTER_API_KEY: 'sk-or-host-secret-777777', UNNAMED_VAR: 'x' };
    const saved = process.env.OPENROUTER_API_KEY;
    process.env.OPENROUTER_API_KEY = 'sk-or-host-secret-777777';
    let run: Run;
    try {
      run = await runCommand([say({ done: true })], { agent: { env: ['MY_AGENT_SETTING'], vars: { FIXBENCH_ENV_DUMP: dump }, hostEnv } });
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_API_KEY;
      else process.env.OPENROUTER_API_KEY = saved;
    }
    expect(run.result.exit_status).toBe('submitted');
    const env = JSON.parse(await readFile(dump, 'utf8')) as Record<string, string>;
    const text = JSON.stringify(env);
    expect(text).not.toContain(REAL_KEY);
    expect(text).not.toContain('sk-or-host-secret');
    expect(env.MY_AGENT_SETTING).toBe('on');
    expect(env.UNNAMED_VAR).toBeUndefined();
    expect(env.OPENAI_API_KEY).toMatch(/^fxb-[0-9a-f]{48}$/);
    expect(env.ANTHROPIC_API_KEY).toBe(env.OPENAI_API_KEY);
    expect(env.OPENAI_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    // Every variable is one the sandbox, fixbench or the template named (bash adds PWD, SHLVL, _ ; node none).
    const allowed = new Set([
      'PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM', 'NO_COLOR', 'FORCE_COLOR', 'CI', 'PWD', 'SHLVL', '_', 'OLDPWD', 'FIXBENCH_SANDBOX_RUN',
      'MY_AGENT_SETTING', 'FIXBENCH_ENV_DUMP', 'FIXBENCH_PROBLEM_FILE', 'FIXBENCH_WORKSPACE', 'FIXBENCH_MODEL', 'FIXBENCH_INSTANCE_ID',
      'OPENAI_BASE_URL', 'OPENAI_API_BASE', 'OPENAI_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN',
    ]);
    expect(Object.keys(env).filter((k) => !allowed.has(k))).toEqual([]);
    expect(path.basename(env.FIXBENCH_PROBLEM_FILE!)).toBe(PROBLEM_FILE);
    expect(env.FIXBENCH_PROBLEM_FILE!.startsWith(env.FIXBENCH_WORKSPACE! + path.sep)).toBe(false);
  }, 30_000);
});

describe('command agent under bwrap', () => {
  it.runIf(bwrapUsable)('reaches the proxy through its socket relay inside bwrap (the real openai SDK), edits the workspace, and is metered', async () => {
    const run = await runCommand([say(EDIT), say({ done: true })], {
      agent: { command: `echo "key in env: $(env | grep -c 'sk-real-provider' || true)"; ${TEMPLATE}` },
      // node_modules may be a symlink out of the checkout (a git worktree): show its target too.
      sandbox: new BwrapSandbox({ readOnly: [ROOT, realpathSync(path.join(ROOT, 'node_modules'))] }),
      isolate: true,
    });
    const traj = await run.trajectory();
    expect(run.result.exit_status, traj.output).toBe('submitted');
    expect(run.result.model_patch, `agent output: ${traj.output}`).toContain('+hullo');
    expect(run.result.calls).toHaveLength(2);
    expect(traj.output).toContain('key in env: 0');
  }, 60_000);
});

describe('command agent: exit statuses', () => {
  const cases: Array<{ exit: ExitStatus; script: UpstreamReply[]; o?: Parameters<typeof runCommand>[1]; error?: RegExp; patch: boolean }> = [
    {
      exit: 'cost_limit',
      // 1000·2 + 100·8 = 0.0028 USD per call; cap 0.005: the 3rd call is refused, the agent exits 1.
      script: [say(EDIT), say({ sleep_ms: 1 }), say({ done: true })],
      o: { limits: { costUsd: 0.005 } },
      error: /cost cap of 0.005 USD/,
      patch: true,
    },
    { exit: 'time_limit', script: [say(EDIT), say({ sleep_ms: 60_000 })], o: { agent: { timeoutMs: 6_000 } }, error: /wall time limit of 6 s/, patch: true },
    { exit: 'agent_failed', script: [say(EDIT), say({ exit: 3 })], error: /exited with code 3/, patch: true },
    { exit: 'env_error', script: [], o: { agent: { command: 'no-such-agent-cli --go {{problem_file}}' } }, error: /could not be run \(exit 127\)/, patch: false },
    {
      exit: 'api_error',
      script: [say(EDIT), { status: 500, json: { error: { message: 'upstream exploded', type: 'server_error' } } }],
      error: /HTTP 500.*upstream exploded/,
      patch: true,
    },
    {
      exit: 'context_exceeded',
      script: [say(EDIT), { status: 400, json: { error: { message: "This model's maximum context length is 8192 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' } } }],
      error: /maximum context length/,
      patch: true,
    },
  ];
  it.each(cases)('$exit', async ({ exit, script, o, error, patch }) => {
    const run = await runCommand(script, o);
    expect(run.result.exit_status).toBe(exit);
    if (error) expect(run.result.error).toMatch(error);
    const traj = await run.trajectory();
    if (patch) expect(run.result.model_patch, `agent output: ${traj.output}`).toContain('+hullo');
    expect(traj.exit_status).toBe(exit);
  }, 30_000);

  it('env_error "interrupted": Ctrl-C (the signal) kills the running agent at once, keeping its patch', async () => {
    // Ctrl-C once the agent has edited and gone to sleep (its second call was answered).
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const t0 = Date.now();
    const run = await runCommand([say(EDIT), say({ sleep_ms: 60_000 })], {
      signal: ac.signal,
      onUpstream: (u) => (timer = setInterval(() => u.requests.length >= 2 && setTimeout(() => ac.abort(), 300), 50)),
    });
    clearInterval(timer);
    expect(run.result.exit_status).toBe('env_error');
    expect(run.result.error).toBe('interrupted');
    expect(Date.now() - t0).toBeLessThan(30_000); // not the agent's 60 s sleep
    expect(run.result.model_patch).toContain('+hullo');
  }, 30_000);

  it('counts the calls before a refused one and none after it', async () => {
    const run = await runCommand([say(EDIT), say({ sleep_ms: 1 }), say({ done: true })], { limits: { costUsd: 0.005 } });
    expect(run.result.calls).toHaveLength(2);
    expect(run.upstream.requests).toHaveLength(2);
  }, 60_000);
});

describe('command agent: configuration', () => {
  it('refuses credentials among pass-through names, unknown placeholders, blocks and overriding proxy variables', () => {
    expect(() => validateCommandAgent({ command: 'x', env: ['OPENROUTER_API_KEY'] })).toThrow(/looks like a credential/);
    expect(() => validateCommandAgent({ command: 'x', env: ['GH_TOKEN'] })).toThrow(/looks like a credential/);
    expect(() => validateCommandAgent({ command: 'aider {{modle}}' })).toThrow(/unknown placeholder \{\{modle\}\}/);
    expect(() => validateCommandAgent({ command: '{{#if model}}x{{/if}}' })).toThrow(/only \{\{placeholder\}\}/);
    expect(() => validateCommandAgent({ command: 'x', vars: { OPENAI_BASE_URL: 'https://api.openai.com/v1' } })).toThrow(/set by fixbench/);
    expect(() => validateCommandAgent({ command: 'aider --model openai/{{model}} --message-file {{problem_file}}', env: ['AIDER_CONFIG'] })).not.toThrow();
  });

  it('grades an agent_failed patch: resolved stands, anything else is the agent’s error', () => {
    expect(attemptOutcome('agent_failed', 'resolved', false)).toBe('resolved');
    expect(attemptOutcome('agent_failed', 'unresolved', false)).toBe('agent_error');
    expect(attemptOutcome('agent_failed', 'empty_patch', false)).toBe('agent_error');
  });

  it('substitutes placeholders shell-quoted, safe inside a word and against quotes', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
