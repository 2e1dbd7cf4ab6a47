// The writable a translated stream is piped into: each upstream SSE text goes through a stream
// translator, and what it yields is written to the client's response (back-pressure and close
// passed through).
import { EventEmitter } from 'node:events';
import type http from 'node:http';

/** A stream translator: SSE text in (any chunking), SSE text of the other dialect out ('' = nothing yet). */
export interface StreamTranslator {
  push(text: string): string;
  /** What is still owed at the end of the upstream stream (closing events). */
  end(): string;
}

/**
 * A response-like sink for `pipeSse`: `write(text)` translates and writes to `res`; `end()` writes
 * the translator's closing events but does not end `res` (the proxy does, after billing the call).
 */
export function translatingSink(res: http.ServerResponse, t: StreamTranslator): http.ServerResponse {
  const sink = new EventEmitter() as EventEmitter & { write(text: string): boolean; end(): void };
  res.on('drain', () => sink.emit('drain'));
  res.on('close', () => sink.emit('close'));
  sink.write = (text: string) => {
    const out = t.push(text);
    return out ? res.write(out) : true;
  };
  sink.end = () => {
    const out = t.end();
    if (out) res.write(out);
  };
  return sink as unknown as http.ServerResponse;
}
