// A fake OpenAI-compatible Chat Completions server on 127.0.0.1 for offline tests: it speaks the real
// wire protocol, replies from a script, and records every request it received.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted reply. A success by default; set `status` (and `error` or `body`) for a failure. */
export interface FakeReply {
  /** Assistant text (default null when tool calls are given, else ''). */
  content?: string | null;
  tool_calls?: Array<{ id?: string; name: string; arguments: string | Record<string, unknown> }>;
  /** Default `tool_calls` when tool calls are given, else `stop`. */
  finish_reason?: string | null;
  /** The `usage` object as sent; `null` omits it. Default {prompt_tokens: 100, completion_tokens: 10}. */
  usage?: Record<string, unknown> | null;
  /** HTTP status (default 200). */
  status?: number;
  headers?: Record<string, string>;
  /** Error object sent as `{error: …}` (for failure statuses). */
  error?: { message: string; type?: string; code?: string | number | null; param?: string | null };
  /** Raw body to send instead of a built one (a string is sent verbatim). */
  body?: unknown;
}

/** A request the server received. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (or the raw text when it did not parse). */
  body: any;
}

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, for `ModelSpec.base_url`. */
  baseURL: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Scripted replies not yet sent. */
  remaining(): number;
  close(): Promise<void>;
}

/** A script: replies in order, or a function of the request and its 0-based index. */
export type FakeScript = FakeReply[] | ((req: FakeRequest, index: number) => FakeReply | undefined);

export const defaultUsage = (): Record<string, unknown> => ({ prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 });

/**
 * Starts the server on a random loopback port. Serves `POST /v1/chat/completions` and
 * `POST /chat/completions`; other paths get 404. When the script runs out the reply is a 500 whose
 * message says so (which a test then sees as a server error).
 */
export async function startFakeOpenAI(script: FakeScript): Promise<FakeOpenAI> {
  const requests: FakeRequest[] = [];
  let served = 0;
  const total = Array.isArray(script) ? script.length : Infinity;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      const path = (req.url ?? '').split('?')[0]!;
      const record: FakeRequest = { method: req.method ?? '', path, headers: req.headers, body };
      requests.push(record);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(data);
      };
      if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
        send(404, { error: { message: `fake-openai: no route ${req.method} ${path}`, type: 'invalid_request_error', code: 'unknown_url' } });
        return;
      }
      const index = served++;
      const reply = Array.isArray(script) ? script[index] : script(record, index);
      if (!reply) {
        send(500, {
          error: { message: `fake-openai: script exhausted: request #${index + 1} but only ${total} replies scripted`, type: 'server_error', code: 'script_exhausted' },
        });
        return;
      }
      const status = reply.status ?? 200;
      if (reply.body !== undefined) return send(status, reply.body, reply.headers);
      if (status >= 400 || reply.error) return send(status, { error: { type: null, code: null, param: null, ...reply.error } }, reply.headers);
      send(status, completion(reply, index, (body as { model?: string })?.model ?? 'fake-model'), reply.headers);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    remaining: () => (Array.isArray(script) ? Math.max(0, script.length - served) : Infinity),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Chat Completions JSON of a successful scripted reply. */
function completion(r: FakeReply, index: number, model: string): Record<string, unknown> {
  const toolCalls = r.tool_calls?.map((tc, i) => ({
    id: tc.id ?? `call_${index}_${i}`,
    type: 'function',
    function: { name: tc.name, arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments) },
  }));
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: r.content !== undefined ? r.content : toolCalls?.length ? null : '',
    refusal: null,
  };
  if (toolCalls?.length) message.tool_calls = toolCalls;
  const out: Record<string, unknown> = {
    id: `chatcmpl-fake-${index}`,
    object: 'chat.completion',
    created: 1_764_403_200,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: r.finish_reason !== undefined ? r.finish_reason : toolCalls?.length ? 'tool_calls' : 'stop' }],
  };
  const usage = r.usage === undefined ? defaultUsage() : r.usage;
  if (usage !== null) out.usage = usage;
  return out;
}

/** A reply whose assistant message calls tool `name` with `args` (JSON-encoded, or a raw string). */
export function toolCall(name: string, args: Record<string, unknown> | string, extra: Omit<FakeReply, 'tool_calls'> = {}): FakeReply {
  return { content: null, ...extra, tool_calls: [{ name, arguments: args }] };
}

/** A plain text reply. */
export function textReply(content: string, extra: Omit<FakeReply, 'content'> = {}): FakeReply {
  return { ...extra, content };
}

/** A text reply holding one fenced ```bash block (the protocol for models without tool calls). */
export function bashBlock(command: string, thought = 'Next step.', extra: Omit<FakeReply, 'content'> = {}): FakeReply {
  return textReply(`${thought}\n\n\`\`\`bash\n${command}\n\`\`\``, extra);
}

/** A failure reply: HTTP `status` with `{error: {message, type, code}}` and optional headers. */
export function errorReply(status: number, error: FakeReply['error'] & object, headers?: Record<string, string>): FakeReply {
  return { status, error, ...(headers ? { headers } : {}) };
}
