// What a billed call whose reply carried no usage (a stream cut before its usage chunk, a reply
// without `usage`) counts against the caps (docs/pricing.md "Unknown costs and caps"). Pure.
import type { TokenUsage } from '../core/usage.ts';
import { requestMedia } from './request-media.ts';

/**
 * Prompt tokens counted per image part of a request: a stated worst case, not a bound. The dearest
 * known rule is OpenAI's gpt-4o-mini at high detail (2 833 + 5 667 per 512 px tile; the largest
 * tiling, 768 × 2048 px after its resize, is 8 tiles: 48 169 tokens); Anthropic's largest image is
 * ~1 600 ((w·h)/750 after its resize). A provider's rule may change or exceed it, so a request with
 * an image part is never `bounded`.
 */
export const IMAGE_TOKENS = 48_169;

const IMAGE_PART = /"type"\s*:\s*"(?:image|image_url|input_image)"/g;
const OUTPUT_LIMITS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
const CHOICES = ['n', 'best_of'] as const;

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The request's output bound in tokens, or null when it sets none or one that cannot be read: the
 * largest of `max_tokens` / `max_completion_tokens` / `max_output_tokens` (null values are "no
 * limit" and ignored), times the largest of `n` / `best_of` (the provider bills every choice it
 * generates). A limit or choice count that is present but not a positive number gives null.
 */
export function outputBound(body: Readonly<Record<string, unknown>>): number | null {
  const limits = OUTPUT_LIMITS.map((k) => body[k]).filter((v) => v !== undefined && v !== null);
  if (limits.length === 0 || !limits.every(positive)) return null;
  const choices = CHOICES.map((k) => body[k]).filter((v) => v !== undefined && v !== null);
  if (!choices.every(positive)) return null;
  return Math.ceil(Math.max(...limits)) * Math.ceil(Math.max(1, ...choices));
}

/**
 * The tokens counted for a call whose usage is unknown, from the request as sent (`request`, its
 * JSON text) and the bytes of reply received (`receivedBytes`): every prompt token at most one
 * UTF-8 byte of the request (a tokenizer's token covers at least one byte), plus
 * {@link IMAGE_TOKENS} per image part; output at the request's output bound (`outputBound`: its
 * largest `max_*tokens` times its `n`/`best_of`) when it sets one (a bound: the provider bills no
 * more), else at the bytes received (an estimate: hidden reasoning tokens may exceed it).
 * `bounded` says whether both are bounds: false without an output bound, false when the request has
 * an image part (its tokens depend on its pixel size and the provider's rule: {@link IMAGE_TOKENS}
 * is a stated worst case), and false when the request has a document or file part or a remote (non-`data:`) source (`requestMedia`): a PDF or
 * fetched page costs prompt tokens its bytes do not bound. All prompt tokens are uncached (the
 * dearest kind).
 */
export function unknownUsageBound(request: string, receivedBytes: number): { usage: TokenUsage; bounded: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(request);
  } catch {
    parsed = null;
  }
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const max = outputBound(body);
  const media = requestMedia(body);
  const images = Math.max(media.images, request.match(IMAGE_PART)?.length ?? 0);
  const input = Buffer.byteLength(request, 'utf8') + images * IMAGE_TOKENS;
  const output = max ?? Math.ceil(Math.max(0, receivedBytes));
  const bounded = max !== null && images === 0 && media.documents === 0 && media.remote.length === 0;
  return { usage: { input_uncached: input, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output, reasoning: 0 }, bounded };
}
