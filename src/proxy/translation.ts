// The shape of one protocol translation of the metering proxy (translate.ts, translate-openai.ts).
import type http from 'node:http';

type Json = Record<string, unknown>;

/** How one client request is translated: the upstream path and the converters. */
export interface Translation {
  /** Path sent upstream in the upstream's dialect, e.g. `/v1/chat/completions`. */
  upstreamPath: string;
  /** Headers the upstream needs that the client does not send (e.g. `anthropic-version`). */
  headers?: Record<string, string>;
  /** The client's JSON body → the upstream's. */
  request(body: Json): Json;
  /** A whole upstream reply (any status) → the client's shape. */
  response(status: number, body: unknown): unknown;
  /** A writable the upstream's (redacted) SSE text goes to; it writes the client's events to `res`. */
  streamSink(res: http.ServerResponse, model: string): http.ServerResponse;
}
