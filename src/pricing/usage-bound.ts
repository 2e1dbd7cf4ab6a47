// What a billed call whose reply carried no usage (a stream cut before its usage chunk, a reply
// without `usage`) counts against the caps (docs/pricing.md "Unknown costs and caps"). Pure.
import type { TokenUsage } from '../core/usage.ts';

/** Prompt tokens allowed per image part of a request (the providers' largest image costs ~1 600). */
export const IMAGE_TOKENS = 2_000;

const IMAGE_PART = /"type"\s*:\s*"(?:image|image_url|input_image)"/g;

/**
 * The tokens counted for a call whose usage is unknown, from the request as sent (`request`, its
 * JSON text) and the bytes of reply received (`receivedBytes`): every prompt token at most one
 * UTF-8 byte of the request (a tokenizer's token covers at least one byte), plus
 * {@link IMAGE_TOKENS} per image part; output at the request's `max_tokens` /
 * `max_completion_tokens` / `max_output_tokens` when it sets one (a bound: the provider bills no
 * more), else at the bytes received (an estimate: hidden reasoning tokens may exceed it).
 * `bounded` says which. All prompt tokens are uncached (the dearest kind).
 */
export function unknownUsageBound(request: string, receivedBytes: number): { usage: TokenUsage; bounded: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request);
  } catch {
    parsed = null;
  }
  const body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const max = [body.max_tokens, body.max_completion_tokens, body.max_output_tokens].find((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
  const images = request.match(IMAGE_PART)?.length ?? 0;
  const input = Buffer.byteLength(request, 'utf8') + images * IMAGE_TOKENS;
  const output = Math.ceil(max ?? Math.max(0, receivedBytes));
  return { usage: { input_uncached: input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output, reasoning: 0 }, bounded: max !== undefined };
}
