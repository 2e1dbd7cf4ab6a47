import { describe, expect, it } from 'vitest';
import { ModelSpec } from '../../../src/config/models.ts';

const base = { id: 'm', provider: 'p', base_url: 'https://example.com/v1', api_key_env: 'K', model: 'm', vendor: 'v', region: 'US' };

describe('ModelSpec.api: one name per protocol, the proxy dialect names', () => {
  it('reads `openai` and `anthropic`', () => {
    expect(ModelSpec.parse({ ...base, api: 'openai' }).api).toBe('openai');
    expect(ModelSpec.parse({ ...base, api: 'anthropic' }).api).toBe('anthropic');
  });

  it('still reads the older spelling `openai-chat`, as `openai`', () => {
    expect(ModelSpec.parse({ ...base, api: 'openai-chat' }).api).toBe('openai');
  });

  it('refuses any other api, naming the field', () => {
    const r = ModelSpec.safeParse({ ...base, api: 'openai-responses' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['api']);
  });
});
