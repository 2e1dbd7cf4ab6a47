// HTTP plumbing of the metering proxy: header filters, dialect routing by path, the upstream URL,
// and body reads bounded in bytes.
import type http from 'node:http';
import { HttpFailure } from './errors.ts';
import type { ProxyUpstream } from './types.ts';

export const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'content-length', 'authorization', 'x-api-key', 'accept-encoding', 'cookie',
]);
export const RESPONSE_DROP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'set-cookie']);

/** Paths in the Anthropic dialect; everything else is OpenAI's. */
export const isAnthropicPath = (p: string) => p === '/v1/messages' || p.startsWith('/v1/messages/');

/** The upstream URL for a client request URL (see `startMeteringProxy`). */
export function upstreamUrl(up: Pick<ProxyUpstream, 'dialect' | 'baseURL'>, url: URL): URL {
  const base = up.baseURL.replace(/\/+$/, '');
  const path = up.dialect === 'anthropic' ? `${base.replace(/\/v1$/, '')}${url.pathname}` : `${base}${url.pathname.replace(/^\/v1(?=\/|$)/, '')}`;
  return new URL(path + url.search);
}

/** Reads a request body up to `max` bytes. @throws HttpFailure 413 past it. */
export async function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) throw new HttpFailure(413, `fixbench proxy: request body over ${max} bytes`, 'too_large');
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) throw new HttpFailure(413, `fixbench proxy: request body over ${max} bytes`, 'too_large');
    chunks.push(c);
  }
  return Buffer.concat(chunks, n);
}

/** Reads a reply body up to `max` bytes; null past it (the rest is cancelled). */
export async function readLimited(body: ReadableStream<Uint8Array> | null, max: number): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body as unknown as AsyncIterable<Uint8Array>) {
    n += c.length;
    if (n > max) {
      await body.cancel().catch(() => {});
      return null;
    }
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks, n);
}

/** `body` passed through unchanged, adding the length of every chunk read to `counter.bytes`. */
export function countingBody(body: ReadableStream<Uint8Array>, counter: { bytes: number }): ReadableStream<Uint8Array> {
  return body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, c) {
      counter.bytes += chunk.byteLength;
      c.enqueue(chunk);
    },
  }));
}
