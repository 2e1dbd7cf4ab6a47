// An external agent's reach (issue 13.5, 13.6): a dependency-free probe agent
// (test/fixtures/agents/net-probe-agent.mjs) runs through the `command` agent exactly as the runner
// runs it (its own HOME/TMPDIR/socket folder from `isolateAttempt`). Its metered, streamed call
// reaches the fake provider through the proxy; every other connection fails; a key the provider
// echoes in the stream — split over deltas and over TCP chunks — never reaches it or the trajectory.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { trajectoryPath, trajectorySink } from '../../../src/store/trajectory.ts';
import { noRedaction } from '../../../src/core/redact.ts';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandAgent, shellQuote, type CommandAgentOptions } from '../../../src/agents/command.ts';
import type { AttemptResult } from '../../../src/agents/types.ts';
import { isolateAttempt } from '../../../src/sandbox/attempt.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { SandboxBackend } from '../../../src/sandbox/types.ts';
import { ROOT } from '../../helpers/cli.ts';
import { anthropicStream, chatStream, startFakeUpstream, type UpstreamReply } from '../../helpers/fake-upstream.ts';
import { bwrapUsable } from '../sandbox/bwrap-usable.ts';
import { defaultLimits, gitRepo, taskFor } from './harness.ts';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'agents');
const PROBE = path.join(FIXTURES, 'net-probe-agent.mjs');
const KEY = 'sk-real-provider-key-abcdef0123456789';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

/** A TCP listener on the HOST's loopback, which a sandboxed agent must not reach. */
async function hostListener(): Promise<number> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as net.AddressInfo).port;
}

interface Probe {
  status?: number;
  text?: string;
  malformed?: number;
  raw?: string;
  error?: string;
  tcp: Record<string, string>;
}

async function runProbe(sandbox: SandboxBackend, reply: UpstreamReply, o: { dialect?: 'openai' | 'anthropic'; tcp?: string[]; agent?: Partial<CommandAgentOptions> } = {}) {
  const dialect = o.dialect ?? 'openai';
  const upstream = await startFakeUpstream([reply]);
  cleanups.push(() => upstream.close());
  cleanups.push(() => sandbox.cleanup());
  const ws = await gitRepo({ 'greet.txt': 'hello\n' });
  cleanups.push(() => ws.cleanup());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cmdnet-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const own = await isolateAttempt(sandbox);
  cleanups.push(() => own.cleanup());
  const tcp = (o.tcp ?? []).map((t) => `--tcp ${shellQuote(t)}`).join(' ');
  const agent = new CommandAgent({ id: 'probe', command: `node ${shellQuote(PROBE)} --dialect ${dialect} ${tcp}`, ...o.agent });
  const ref = { contender: 'probe', instance_id: 'demo-1', attempt: 0 };
  const result: AttemptResult = await agent.attempt({
    task: taskFor(ws),
    workspace: ws,
    sandbox: own.sandbox,
    proxyDir: own.runDir,
    limits: defaultLimits(),
    upstream: {
      dialect,
      baseURL: dialect === 'openai' ? upstream.openaiBaseURL : upstream.anthropicBaseURL,
      apiKey: KEY,
      model: 'up-model',
      price: { input: '1', output: '2' } as never,
    },
    saveTrajectory: trajectorySink(dir, ref, noRedaction),
  });
  const trajectory = await readFile(trajectoryPath(dir, ref), 'utf8');
  const line = /PROBE (.*)/.exec(JSON.parse(trajectory).output ?? '')?.[1];
  expect(line, trajectory).toBeTruthy();
  return { result, probe: JSON.parse(line!) as Probe, upstream, trajectory, dir };
}

const openaiReply = (parts: string[]): UpstreamReply => ({ sse: chatStream(parts, { prompt_tokens: 10, completion_tokens: 5 }) });

describe.skipIf(!bwrapUsable)('external agent under bwrap: no network but the metering proxy', () => {
  it('meters its streamed call through the proxy, while the host loopback and a public address are unreachable', async () => {
    const port = await hostListener();
    const { result, probe, upstream } = await runProbe(new BwrapSandbox({ readOnly: [FIXTURES] }), openaiReply(['hel', 'lo']), {
      tcp: [`127.0.0.1:${port}`, '1.1.1.1:443', '8.8.8.8:53'],
    });
    expect(probe).toMatchObject({ status: 200, text: 'hello', malformed: 0 });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(result.calls).toHaveLength(1);
    expect(result.calls[0]!.usage).toMatchObject({ input_uncached: 10, output: 5 });
    expect(probe.tcp[`127.0.0.1:${port}`]).toBe('ECONNREFUSED');
    expect(probe.tcp['1.1.1.1:443']).not.toBe('connected');
    expect(probe.tcp['8.8.8.8:53']).not.toBe('connected');
    expect(result.exit_status).toBe('submitted');
  }, 60_000);

  it('with the `network: host` opt-in, the same agent does reach the host (so the test above can fail)', async () => {
    const port = await hostListener();
    const { probe } = await runProbe(new BwrapSandbox({ readOnly: [FIXTURES] }), openaiReply(['hi']), { tcp: [`127.0.0.1:${port}`], agent: { network: 'host' } });
    expect(probe).toMatchObject({ status: 200, text: 'hi' });
    expect(probe.tcp[`127.0.0.1:${port}`]).toBe('connected');
  }, 60_000);
});

describe('a key echoed in a streamed reply reaches neither the agent nor the trajectory', () => {
  const sandboxes: Array<[string, () => SandboxBackend]> = [
    ['local', () => new LocalSandbox()],
    ...(bwrapUsable ? ([['bwrap', () => new BwrapSandbox({ readOnly: [FIXTURES] })]] as Array<[string, () => SandboxBackend]>) : []),
  ];
  describe.each(sandboxes)('under %s', (_name, make) => {
    it('OpenAI chat stream: the key split over three deltas and 7-character TCP chunks', async () => {
      const parts = ['The key is sk-real-', 'provider-key-abc', 'def0123456789 and more'];
      const { probe, trajectory, dir } = await runProbe(make(), { ...openaiReply(parts), splitAt: 7 });
      expect(probe).toMatchObject({ status: 200, malformed: 0, text: 'The key is [REDACTED] and more' });
      expect(probe.raw).not.toContain('provider-key');
      expect(trajectory).not.toContain(KEY);
      expect((await execa('grep', ['-rl', 'provider-key-abc', dir], { reject: false })).exitCode).toBe(1);
    }, 60_000);

    it('Anthropic messages stream: the key at the end of a text block, over two deltas cut over chunks', async () => {
      const events = anthropicStream('', { input_tokens: 10 }, { output_tokens: 3 });
      const delta = (text: string) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
      events.splice(2, 1, delta(`echo: ${KEY.slice(0, 20)}`), { type: 'ping' }, delta(KEY.slice(20)));
      const { probe, trajectory } = await runProbe(make(), { sse: events, splitAt: 5 }, { dialect: 'anthropic' });
      expect(probe).toMatchObject({ status: 200, malformed: 0, text: 'echo: [REDACTED]' });
      expect(probe.raw).not.toContain('provider-key');
      expect(trajectory).not.toContain(KEY);
    }, 60_000);
  });
});
