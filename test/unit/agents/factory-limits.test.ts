// Issue 17: the model request timeout, stream idle timeout and external-agent output kept are
// RunConfig limits (recorded in run.json, part of the hash), and attemptAgent hands them to the
// model client and the command agent; without them it uses today's defaults.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMIT_DEFAULTS } from '../../../src/config/run-config.ts';

const seen: { client: unknown[]; agent: unknown[] } = { client: [], agent: [] };
vi.mock('../../../src/models/load.ts', () => ({ modelClientsFor: async () => (...a: unknown[]) => { seen.client.push(a[3]); return {}; } }));
vi.mock('../../../src/agents/index.ts', () => ({ createAgent: (...a: unknown[]) => { seen.agent.push(a[1]); return {}; } }));
const { attemptAgent } = await import('../../../src/agents/factory.ts');
const { ModelSpec } = await import('../../../src/config/models.ts');
const { AgentSpec } = await import('../../../src/config/agents.ts');

const spec = ModelSpec.parse({ id: 'm', provider: 'fake', api: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: 'fake/m', vendor: 'F', region: 'US' });
const model = { spec, price: null };
const meter = { wrapClient: <T>(c: T) => c, refuse: () => null, onCall: () => {} };
const limits = { model_request_timeout_ms: 5_000, stream_idle_ms: 700, agent_output_bytes: 4096 };
beforeEach(() => {
  seen.client = [];
  seen.agent = [];
});

describe('attemptAgent passes the RunConfig limits on', () => {
  it('to the built-in agent\'s model client: request and stream idle timeouts', async () => {
    await attemptAgent({ kind: 'model', model, apiKey: 'sk-x' }, meter, limits);
    expect(seen.client).toEqual([{ requestTimeoutMs: 5_000, streamIdleMs: 700, ceiling: null }]);
    await attemptAgent({ kind: 'model', model, apiKey: 'sk-x' }, meter);
    expect(seen.client[1]).toEqual({ requestTimeoutMs: LIMIT_DEFAULTS.model_request_timeout_ms, streamIdleMs: LIMIT_DEFAULTS.stream_idle_ms, ceiling: null });
    expect(LIMIT_DEFAULTS).toMatchObject({ model_request_timeout_ms: 600_000, stream_idle_ms: 120_000, test_output_chars: 1024 * 1024, agent_output_bytes: 128 * 1024 });
  });

  it('to an external agent: the proxy\'s request timeout and the output kept', async () => {
    const agent = AgentSpec.parse({ id: 'cli', command: 'cli {{model}}' });
    await attemptAgent({ kind: 'model', model, apiKey: 'sk-x', agent }, meter, limits);
    expect(seen.agent[0]).toMatchObject({ id: 'cli', requestTimeoutMs: 5_000, outputKeepBytes: 4096 });
  });
});
