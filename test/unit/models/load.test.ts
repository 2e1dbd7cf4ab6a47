// src/models/load.ts: a run loads the client module (and SDK) of each protocol its models speak, and only those.
import { describe, expect, it, vi } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';

const loaded = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/models/anthropic.ts', async (importOriginal) => {
  loaded.push('anthropic');
  return importOriginal();
});
vi.mock('../../../src/models/openai-chat.ts', async (importOriginal) => {
  loaded.push('openai');
  return importOriginal();
});

const spec = (api: 'openai' | 'anthropic') =>
  ModelSpec.parse({ id: `m-${api}`, provider: 'fake', api, base_url: 'http://127.0.0.1:9/v1', api_key_env: 'K', model: `fake/${api}`, vendor: 'F', region: 'US' });
const KEY = 'sk-load-test-0123456789';

describe('modelClientsFor', () => {
  // In this order: the first case must see the Anthropic module not loaded yet.
  it('loads only the protocols asked for, and refuses a model of another one', async () => {
    const { modelClientsFor } = await import('../../../src/models/load.ts');
    const { OpenAIChatClient } = await import('../../../src/models/openai-chat.ts');
    const make = await modelClientsFor(['openai', 'openai']);
    expect(loaded).toEqual(['openai']);
    expect(make(spec('openai'), KEY, null)).toBeInstanceOf(OpenAIChatClient);
    expect(() => make(spec('anthropic'), KEY, null)).toThrow(/m-anthropic speaks "anthropic", which was not loaded \(loaded: openai\)/);
  });

  it('gives each model the client of its protocol when both are asked for', async () => {
    const { modelClientsFor } = await import('../../../src/models/load.ts');
    const { AnthropicClient } = await import('../../../src/models/anthropic.ts');
    const { OpenAIChatClient } = await import('../../../src/models/openai-chat.ts');
    const make = await modelClientsFor(['anthropic', 'openai']);
    expect(loaded).toEqual(['openai', 'anthropic']);
    expect(make(spec('anthropic'), KEY, null)).toBeInstanceOf(AnthropicClient);
    expect(make(spec('openai'), KEY, null)).toBeInstanceOf(OpenAIChatClient);
  });
});
