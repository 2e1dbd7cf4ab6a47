// Loads the provider client of each wire protocol a run needs, and only those: each provider SDK is
// a large part of a model run's start-up (the Anthropic SDK ~100 ms of CPU on top of the OpenAI
// one's ~60 ms, bench/RESULTS.md perf15), paid on the event loop while pre-flight runs.
import type { ModelSpec } from '../config/models.ts';
import type { PriceRow } from '../config/prices.ts';
import type { HttpClientOptions } from './client-base.ts';
import type { ModelClient } from './types.ts';

/** Makes the client of one model (as src/models/index.ts `createModelClient`), for the protocols it was loaded for. */
export type ModelClientMaker = (spec: ModelSpec, apiKey: string, price: PriceRow | null, opts?: HttpClientOptions) => ModelClient;

/**
 * The client maker for models that speak the protocols in `apis` (`openai` → OpenAIChatClient,
 * `anthropic` → AnthropicClient), with only those protocols' modules (and SDKs) imported. Calling
 * it concurrently is safe (the module system loads each once).
 * @returns a maker that throws Error for a spec whose `api` was not in `apis` (a caller's bug, never
 * a silent wrong client)
 */
export async function modelClientsFor(apis: Iterable<ModelSpec['api']>): Promise<ModelClientMaker> {
  const wanted = new Set(apis);
  const [anthropic, openai] = await Promise.all([
    wanted.has('anthropic') ? import('./anthropic.ts') : null,
    wanted.has('openai') ? import('./openai-chat.ts') : null,
  ]);
  return (spec, apiKey, price, opts = {}) => {
    if (spec.api === 'anthropic' && anthropic) return new anthropic.AnthropicClient(spec, apiKey, price, opts);
    if (spec.api === 'openai' && openai) return new openai.OpenAIChatClient(spec, apiKey, price, opts);
    throw new Error(`modelClientsFor: model ${spec.id} speaks "${spec.api}", which was not loaded (loaded: ${[...wanted].join(', ') || 'none'})`);
  };
}
