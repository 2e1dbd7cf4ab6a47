// Picks the provider client for a model by its `api` (wire protocol).
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow } from '../config/prices.ts';
import { AnthropicClient, type AnthropicClientOptions } from './anthropic.ts';
import { OpenAIChatClient, type OpenAIChatClientOptions } from './openai-chat.ts';
import type { ModelClient } from './types.ts';

/**
 * A ModelClient for `spec.api` (this module loads both SDKs; a run loads only those its models need
 * through src/models/load.ts `modelClientsFor`, which makes the same choice): `openai` → OpenAIChatClient, `anthropic` → AnthropicClient.
 * @param price the model's row, USD per million tokens; null = unknown price (costs stay null)
 * @throws UserInputError when `apiKey` is empty
 */
export function createModelClient(spec: ModelSpec, apiKey: string, price: PriceRow | null, opts: OpenAIChatClientOptions & AnthropicClientOptions = {}): ModelClient {
  return spec.api === 'anthropic' ? new AnthropicClient(spec, apiKey, price, opts) : new OpenAIChatClient(spec, apiKey, price, opts);
}
