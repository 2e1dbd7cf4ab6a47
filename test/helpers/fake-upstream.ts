// A fake provider on 127.0.0.1 speaking both wire dialects, for the metering proxy's tests: each
// request gets the next scripted reply, a whole JSON body or a Server-Sent Events stream, and is
// recorded with its headers and body.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamReply {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** SSE events: objects are sent as `data: <json>` (with `event:` from their `type`), strings verbatim as `data: <s>`. */
  sse?: Array<Record<string, unknown> | string>;
  /** Split each SSE event over several writes at this many characters (exercises the proxy's reassembly). */
  splitAt?: number;
  /** Wait this long before replying (a slow model). */
  delayMs?: number;
}

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export interface FakeUpstream {
  /** OpenAI-style base URL (`…/v1`). */
  openaiBaseURL: string;
  /** Anthropic-style base URL (the origin). */
  anthropicBaseURL: string;
  requests: UpstreamRequest[];
  close(): Promise<void>;
}

/** Starts the fake; replies follow `script` in order (a 500 when it runs out). */
export async function startFakeUpstream(script: UpstreamReply[]): Promise<FakeUpstream> {
  const requests: UpstreamRequest[] = [];
  let i = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep text */
    }
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    const r = script[i++];
    if (r?.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
    if (!r) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'fake-upstream: script exhausted', type: 'server_error' } }));
      return;
    }
    if (r.sse) {
      res.writeHead(r.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...r.headers });
      for (const ev of r.sse) {
        const out =
          typeof ev === 'string' ? `data: ${ev}\n\n` : `${typeof ev.type === 'string' ? `event: ${ev.type}\n` : ''}data: ${JSON.stringify(ev)}\n\n`;
        const step = r.splitAt ?? out.length;
        for (let k = 0; k < out.length; k += step) {
          res.write(out.slice(k, k + step));
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      res.end();
      return;
    }
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
    res.end(JSON.stringify(r.json ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    openaiBaseURL: `http://127.0.0.1:${port}/v1`,
    anthropicBaseURL: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An OpenAI Chat Completions reply body. */
export function chatCompletion(content: string, usage: Record<string, unknown> | null): Record<string, unknown> {
  return {
    id: 'chatcmpl-up',
    object: 'chat.completion',
    created: 1_764_403_200,
    model: 'up-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    ...(usage ? { usage } : {}),
  };
}

/** OpenAI Chat Completions stream chunks for `parts`, then (when given) the usage-only chunk, then `[DONE]`. */
export function chatStream(parts: string[], usage: Record<string, unknown> | null): Array<Record<string, unknown> | string> {
  const base = { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1_764_403_200, model: 'up-model' };
  return [
    ...parts.map((p, k) => ({ ...base, choices: [{ index: 0, delta: k === 0 ? { role: 'assistant', content: p } : { content: p }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ...(usage ? [{ ...base, choices: [], usage }] : []),
    '[DONE]',
  ];
}

/** An Anthropic Messages stream: message_start with `startUsage`, one text block, message_delta with `deltaUsage`. */
export function anthropicStream(text: string, startUsage: Record<string, unknown>, deltaUsage: Record<string, unknown>): Array<Record<string, unknown>> {
  return [
    { type: 'message_start', message: { id: 'msg_up', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage: startUsage } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: deltaUsage },
    { type: 'message_stop' },
  ];
}
