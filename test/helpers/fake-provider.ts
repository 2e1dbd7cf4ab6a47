// A fake model provider on 127.0.0.1 for offline tests (and `npm run fake-provider`, scripts/fake-provider.mts). It speaks both dialects fixbench uses over
// real HTTP — OpenAI Chat Completions (`POST /v1/chat/completions`) and Anthropic Messages
// (`POST /v1/messages`) — non-streaming and streaming (server-sent events), replies from a script,
// records every request, and can script faults: an HTTP error with headers (429 + Retry-After, 529,
// 500), malformed JSON, a connection reset, a stream cut before its usage, and a stream that never ends.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted reply. A success by default; set `status` (and `error` or `body`) for a failure. */
export interface FakeReply {
  /** Assistant text (default null when tool calls are given, else ''). */
  content?: string | null;
  tool_calls?: Array<{ id?: string; name: string; arguments: string | Record<string, unknown> }>;
  /** OpenAI terms: `stop` | `tool_calls` | `length` (mapped to Anthropic's `end_turn` | `tool_use` | `max_tokens`). */
  finish_reason?: string | null;
  /**
   * The `usage` object as sent, in the dialect's own shape; `null` omits it. Default
   * {prompt_tokens: 100, completion_tokens: 10} (OpenAI) or {input_tokens: 100, output_tokens: 10} (Anthropic).
   */
  usage?: Record<string, unknown> | null;
  /** HTTP status (default 200). */
  status?: number;
  headers?: Record<string, string>;
  /** Error object sent as `{error: …}` (OpenAI) or `{type: "error", error: …}` (Anthropic). */
  error?: { message: string; type?: string; code?: string | number | null; param?: string | null };
  /** Raw body to send instead of a built one (a string is sent verbatim). */
  body?: unknown;
  /**
   * A transport fault instead of a normal reply:
   * - `reset`: the socket is destroyed before any response;
   * - `malformed`: a 200 whose body is truncated JSON;
   * - `hang`: headers (and, when streaming, the first event) are sent, then nothing, ever;
   * - `cut_stream`: a streamed reply whose connection is destroyed before its usage event
   *   (non-streaming requests get a reset).
   */
  fault?: 'reset' | 'malformed' | 'hang' | 'cut_stream';
  /** Milliseconds to wait before replying (a model's latency); the request is recorded on arrival. */
  delayMs?: number;
  /** The `model` the reply names (as a router names the model that served it); default: the request's `model`. */
  model?: string;
}

/** A request the server received. */
export interface FakeRequest {
  method: string;
  path: string;
  /** Which protocol the path speaks. */
  dialect: 'openai' | 'anthropic';
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (or the raw text when it did not parse). */
  body: any;
  /** `Date.now()` when the request arrived (to check back-off delays). */
  at: number;
}

export interface FakeProvider {
  /** Base URL ending in `/v1`, for an OpenAI-compatible `ModelSpec.base_url`. */
  baseURL: string;
  /** Base URL without `/v1`, for an Anthropic `ModelSpec.base_url` (the SDK appends `/v1/messages`). */
  rootURL: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Scripted replies not yet sent. */
  remaining(): number;
  close(): Promise<void>;
}
/** The older name of FakeProvider (tests written for the OpenAI dialect only). */
export type FakeOpenAI = FakeProvider;

/** A script: replies in order, or a function of the request and its 0-based index. */
export type FakeScript = FakeReply[] | ((req: FakeRequest, index: number) => FakeReply | undefined);

export const defaultUsage = (): Record<string, unknown> => ({ prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 });
export const defaultAnthropicUsage = (): Record<string, unknown> => ({ input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

const ROUTES: Record<string, 'openai' | 'anthropic'> = {
  '/v1/chat/completions': 'openai',
  '/chat/completions': 'openai',
  '/v1/messages': 'anthropic',
  '/messages': 'anthropic',
  '/v1/responses': 'openai',
  '/responses': 'openai',
};

/**
 * Starts the server on 127.0.0.1, on `opts.port` (default 0: a random free port; `scripts/fake-provider.mts`
 * passes a fixed one). Other paths get 404. When the script runs out the reply is a 500 whose message
 * says so (which a test then sees as a server error). Rejects with the listen error (`EADDRINUSE`).
 */
export async function startFakeProvider(script: FakeScript, opts: { port?: number } = {}): Promise<FakeProvider> {
  const requests: FakeRequest[] = [];
  let served = 0;
  const total = Array.isArray(script) ? script.length : Infinity;
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      const path = (req.url ?? '').split('?')[0]!;
      const dialect = ROUTES[path];
      const record: FakeRequest = { method: req.method ?? '', path, dialect: dialect ?? 'openai', headers: req.headers, body, at: Date.now() };
      requests.push(record);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(data);
      };
      const sendError = (status: number, err: NonNullable<FakeReply['error']>, headers?: Record<string, string>) =>
        dialect === 'anthropic'
          ? send(status, { type: 'error', error: { type: err.type ?? 'api_error', message: err.message } }, headers)
          : send(status, { error: { type: null, code: null, param: null, ...err } }, headers);
      if (req.method !== 'POST' || !dialect) {
        send(404, { error: { message: `fake-provider: no route ${req.method} ${path}`, type: 'invalid_request_error', code: 'unknown_url' } });
        return;
      }
      const index = served++;
      const reply = Array.isArray(script) ? script[index] : script(record, index);
      if (!reply) {
        sendError(500, { message: `fake-provider: script exhausted: request #${index + 1} but only ${total} replies scripted`, type: 'server_error', code: 'script_exhausted' });
        return;
      }
      // The reply itself, sent at once or after `delayMs` (a slow model).
      const respond = (): void => {
        const streaming = body?.stream === true;
        if (reply.fault === 'reset' || (reply.fault === 'cut_stream' && !streaming)) {
          req.socket.destroy();
          return;
        }
        if (reply.fault === 'malformed') return send(200, '{"id": "broken", "choices": [{"index": 0, "message": {"role": "assist');
        if (reply.fault === 'hang' && !streaming) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.flushHeaders();
          hanging.add(res);
          return;
        }
        const status = reply.status ?? 200;
        if (reply.body !== undefined) return send(status, reply.body, reply.headers);
        if (status >= 400 || reply.error) return sendError(status, reply.error ?? { message: `HTTP ${status}` }, reply.headers);
        const model = reply.model ?? (typeof body?.model === 'string' ? body.model : 'fake-model');
        const responses = path.endsWith('/responses');
        if (!streaming) {
          return send(status, dialect === 'anthropic' ? anthropicMessage(reply, index, model) : responses ? responseObject(reply, index, model) : completion(reply, index, model), reply.headers);
        }
        const events = dialect === 'anthropic' ? anthropicEvents(reply, index, model) : responses ? responseEvents(reply, index, model) : openaiChunks(reply, index, model, body?.stream_options?.include_usage === true);
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
        if (reply.fault === 'hang') {
          res.write(events[0]);
          hanging.add(res);
          return;
        }
        if (reply.fault === 'cut_stream') {
          // Everything but the usage-bearing tail, then the connection drops.
          for (const e of events.slice(0, Math.max(1, events.length - 3))) res.write(e);
          setTimeout(() => req.socket.destroy(), 20);
          return;
        }
        for (const e of events) res.write(e);
        res.end();
      };
      if (reply.delayMs) setTimeout(respond, reply.delayMs);
      else respond();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    rootURL: `http://127.0.0.1:${port}`,
    requests,
    remaining: () => (Array.isArray(script) ? Math.max(0, script.length - served) : Infinity),
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Same server; the older name. */
export const startFakeOpenAI = startFakeProvider;

const toolCallsOf = (r: FakeReply, index: number) =>
  r.tool_calls?.map((tc, i) => ({
    id: tc.id ?? `call_${index}_${i}`,
    name: tc.name,
    arguments: typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments),
  })) ?? [];

const finishOf = (r: FakeReply, hasTools: boolean): string | null => (r.finish_reason !== undefined ? r.finish_reason : hasTools ? 'tool_calls' : 'stop');

/** The Chat Completions JSON of a successful scripted reply. */
function completion(r: FakeReply, index: number, model: string): Record<string, unknown> {
  const tcs = toolCallsOf(r, index);
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: r.content !== undefined ? r.content : tcs.length ? null : '',
    refusal: null,
  };
  if (tcs.length) message.tool_calls = tcs.map((tc) => ({ id: tc.id, type: 'function', function: { name: tc.name, arguments: tc.arguments } }));
  const out: Record<string, unknown> = {
    id: `chatcmpl-fake-${index}`,
    object: 'chat.completion',
    created: 1_764_403_200,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishOf(r, tcs.length > 0) }],
  };
  const usage = r.usage === undefined ? defaultUsage() : r.usage;
  if (usage !== null) out.usage = usage;
  return out;
}

const sse = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/** Chat Completions stream chunks (`stream: true`); usage in a last chunk with no choices when asked for. */
function openaiChunks(r: FakeReply, index: number, model: string, includeUsage: boolean): string[] {
  const base = { id: `chatcmpl-fake-${index}`, object: 'chat.completion.chunk', created: 1_764_403_200, model };
  const tcs = toolCallsOf(r, index);
  const out = [sse({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })];
  const content = r.content ?? '';
  // Text in two pieces, to exercise accumulation.
  const half = Math.ceil(content.length / 2);
  for (const piece of [content.slice(0, half), content.slice(half)]) {
    if (piece) out.push(sse({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }));
  }
  tcs.forEach((tc, i) => {
    const h = Math.ceil(tc.arguments.length / 2);
    out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: i, id: tc.id, type: 'function', function: { name: tc.name, arguments: tc.arguments.slice(0, h) } }] }, finish_reason: null }] }));
    out.push(sse({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: tc.arguments.slice(h) } }] }, finish_reason: null }] }));
  });
  out.push(sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishOf(r, tcs.length > 0) }] }));
  const usage = r.usage === undefined ? defaultUsage() : r.usage;
  if (includeUsage && usage !== null) out.push(sse({ ...base, choices: [], usage }));
  out.push('data: [DONE]\n\n');
  return out;
}

const STOP: Record<string, string> = { stop: 'end_turn', tool_calls: 'tool_use', length: 'max_tokens' };

function anthropicContent(r: FakeReply, index: number): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  if (r.content) blocks.push({ type: 'text', text: r.content });
  for (const tc of toolCallsOf(r, index)) blocks.push({ type: 'tool_use', id: tc.id.replace(/^call_/, 'toolu_'), name: tc.name, input: JSON.parse(tc.arguments || '{}') });
  return blocks;
}

/** The Anthropic Messages JSON of a successful scripted reply. */
function anthropicMessage(r: FakeReply, index: number, model: string): Record<string, unknown> {
  const content = anthropicContent(r, index);
  const finish = finishOf(r, content.some((b) => b.type === 'tool_use'));
  const out: Record<string, unknown> = {
    id: `msg_fake_${index}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: finish === null ? null : (STOP[finish] ?? finish),
    stop_sequence: null,
  };
  const usage = r.usage === undefined ? defaultAnthropicUsage() : r.usage;
  if (usage !== null) out.usage = usage;
  return out;
}

/**
 * Anthropic Messages stream events: `message_start` carries the input-side usage (output 1),
 * `message_delta` the final cumulative `output_tokens`, as the real API does.
 */
function anthropicEvents(r: FakeReply, index: number, model: string): string[] {
  const msg = anthropicMessage(r, index, model);
  const usage = (msg.usage ?? {}) as Record<string, unknown>;
  const { output_tokens: outputTokens, ...inputSide } = usage;
  const out = [sse({ type: 'message_start', message: { ...msg, content: [], stop_reason: null, usage: { ...inputSide, output_tokens: 1 } } }, 'message_start')];
  (msg.content as Array<Record<string, unknown>>).forEach((b, i) => {
    if (b.type === 'text') {
      out.push(sse({ type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } }, 'content_block_start'));
      const t = String(b.text);
      const h = Math.ceil(t.length / 2);
      for (const piece of [t.slice(0, h), t.slice(h)]) if (piece) out.push(sse({ type: 'content_block_delta', index: i, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'));
    } else {
      out.push(sse({ type: 'content_block_start', index: i, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }, 'content_block_start'));
      const j = JSON.stringify(b.input);
      const h = Math.ceil(j.length / 2);
      for (const piece of [j.slice(0, h), j.slice(h)]) out.push(sse({ type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta'));
    }
    out.push(sse({ type: 'content_block_stop', index: i }, 'content_block_stop'));
  });
  out.push(sse({ type: 'message_delta', delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: outputTokens ?? 0 } }, 'message_delta'));
  out.push(sse({ type: 'message_stop' }, 'message_stop'));
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

/** A failure reply: HTTP `status` with the dialect's error body and optional headers. */
export function errorReply(status: number, error: FakeReply['error'] & object, headers?: Record<string, string>): FakeReply {
  return { status, error, ...(headers ? { headers } : {}) };
}

/**
 * OpenAI Responses API (`POST /v1/responses`): the reply as a `response` object. Usage is sent as
 * given, or as `{input_tokens: 100, output_tokens: 10, total_tokens: 110}` by default.
 */
function responseObject(r: FakeReply, index: number, model: string): Record<string, unknown> {
  const output: Record<string, unknown>[] = [];
  if (typeof r.content === 'string' && r.content) output.push({ type: 'message', id: `msg_${index}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: r.content, annotations: [] }] });
  for (const tc of toolCallsOf(r, index)) output.push({ type: 'function_call', id: `fc_${index}_${tc.id}`, call_id: tc.id, name: tc.name, arguments: tc.arguments, status: 'completed' });
  const usage = r.usage === undefined ? { input_tokens: 100, output_tokens: 10, total_tokens: 110, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } : r.usage;
  return { id: `resp_fake_${index}`, object: 'response', created_at: 1_764_403_200, status: 'completed', model, output, ...(usage !== null ? { usage } : {}) };
}

/** The Responses API stream: `response.created`, each output item added and done, `response.completed`. */
function responseEvents(r: FakeReply, index: number, model: string): string[] {
  const full = responseObject(r, index, model);
  const out = [sse({ type: 'response.created', response: { ...full, status: 'in_progress', output: [], usage: null } }, 'response.created')];
  (full.output as Record<string, unknown>[]).forEach((item, i) => {
    out.push(sse({ type: 'response.output_item.added', output_index: i, item: { ...item, ...(item.type === 'function_call' ? { arguments: '' } : { content: [] }) } }, 'response.output_item.added'));
    if (item.type === 'function_call') out.push(sse({ type: 'response.function_call_arguments.delta', output_index: i, item_id: item.id, delta: item.arguments }, 'response.function_call_arguments.delta'));
    else out.push(sse({ type: 'response.output_text.delta', output_index: i, item_id: item.id, content_index: 0, delta: (item.content as Array<{ text: string }>)[0]!.text }, 'response.output_text.delta'));
    out.push(sse({ type: 'response.output_item.done', output_index: i, item }, 'response.output_item.done'));
  });
  out.push(sse({ type: 'response.completed', response: full }, 'response.completed'));
  return out;
}
