// Protocol translation for the metering proxy (issue 20.3): an agent that speaks Anthropic Messages
// (Claude Code) driving a model behind an OpenAI Chat Completions API. Requests, whole replies,
// streamed replies (event by event), tool calls, usage and errors are translated; the call is
// metered from the upstream's own usage, exactly like a direct call. Pure except `streamSink`.
// The other way (OpenAI Chat clients, Anthropic upstreams): src/proxy/translate-openai.ts.
import { SseSplitter, eventRecord, isRecord } from './sse.ts';
import { translatingSink } from './stream-sink.ts';
import type { Dialect } from './usage.ts';
import { openAIToAnthropic } from './translate-openai.ts';
import type { Translation } from './translation.ts';

export type { Translation } from './translation.ts';

type Json = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * The translation for a request in `client` dialect to `path` when the upstream speaks `upstream`,
 * or null when there is none (the proxy then answers 400): Anthropic `POST /v1/messages` → OpenAI
 * `/chat/completions`, and OpenAI `POST /v1/chat/completions` → Anthropic `/v1/messages`. (OpenAI's
 * Responses API is not translated.)
 */
export function translationFor(client: Dialect, upstream: Dialect, method: string, path: string): Translation | null {
  if (method !== 'POST') return null;
  if (client === 'anthropic' && upstream === 'openai' && path === '/v1/messages') return ANTHROPIC_TO_OPENAI;
  if (client === 'openai' && upstream === 'anthropic' && (path === '/v1/chat/completions' || path === '/chat/completions')) return openAIToAnthropic();
  return null;
}

/** True for an Anthropic token-counting request, which the proxy answers itself when translating (never billed). */
export const isCountTokens = (path: string) => path === '/v1/messages/count_tokens';

/** A local, unbilled estimate for `count_tokens` from the request's size (about 4 bytes a token): `{input_tokens}`. */
export function estimateTokens(requestBytes: number): { input_tokens: number } {
  return { input_tokens: Math.max(1, Math.ceil(requestBytes / 4)) };
}

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((b) => (isRecord(b) && typeof b.text === 'string' ? b.text : '')).join('') : '';

/** Anthropic Messages request → OpenAI Chat Completions request. */
export function anthropicToOpenAIRequest(a: Json): Json {
  const messages: Json[] = [];
  const system = textOf(a.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const m of Array.isArray(a.messages) ? a.messages : []) {
    if (!isRecord(m)) continue;
    const blocks: unknown[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [];
    if (m.role === 'assistant') {
      const text = blocks.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
      const calls = blocks.filter((b): b is Json => isRecord(b) && b.type === 'tool_use').map((b) => ({ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) } }));
      messages.push({ role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) });
      continue;
    }
    // user: tool results become `tool` messages (first, answering the previous assistant turn), the rest one user message
    const parts: Json[] = [];
    for (const b of blocks) {
      if (!isRecord(b)) continue;
      if (b.type === 'tool_result') {
        const out = textOf(b.content) || (typeof b.content === 'string' ? b.content : '');
        messages.push({ role: 'tool', tool_call_id: String(b.tool_use_id), content: b.is_error ? `[error] ${out}` : out });
      } else if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
      else if (b.type === 'image' && isRecord(b.source) && b.source.type === 'base64') parts.push({ type: 'image_url', image_url: { url: `data:${String(b.source.media_type)};base64,${String(b.source.data)}` } });
    }
    if (parts.length) messages.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('\n') : parts });
  }
  const out: Json = { model: a.model, messages };
  if (a.max_tokens !== undefined) out.max_tokens = a.max_tokens;
  for (const k of ['temperature', 'top_p'] as const) if (a[k] !== undefined) out[k] = a[k];
  if (Array.isArray(a.stop_sequences) && a.stop_sequences.length) out.stop = a.stop_sequences;
  if (Array.isArray(a.tools) && a.tools.length) {
    // Anthropic server tools (web search, …) have no `input_schema` and no OpenAI equivalent: dropped.
    const tools = a.tools.filter((t): t is Json => isRecord(t) && isRecord(t.input_schema));
    if (tools.length) out.tools = tools.map((t) => ({ type: 'function', function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input_schema } }));
  }
  if (isRecord(a.tool_choice) && out.tools) {
    const c = a.tool_choice;
    out.tool_choice = c.type === 'any' ? 'required' : c.type === 'tool' ? { type: 'function', function: { name: c.name } } : c.type === 'none' ? 'none' : 'auto';
  }
  if (a.stream === true) out.stream = true;
  return out;
}

const STOP: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', function_call: 'tool_use', content_filter: 'refusal' };

/** OpenAI Chat usage → Anthropic usage (`input_tokens` excludes cache reads). */
export function anthropicUsage(u: unknown): Json {
  const r = isRecord(u) ? u : {};
  const cached = num(isRecord(r.prompt_tokens_details) ? r.prompt_tokens_details.cached_tokens : 0);
  return { input_tokens: Math.max(0, num(r.prompt_tokens) - cached), output_tokens: num(r.completion_tokens), cache_read_input_tokens: cached, cache_creation_input_tokens: 0 };
}

const parseArgs = (s: unknown): unknown => {
  try {
    return typeof s === 'string' && s.trim() ? JSON.parse(s) : {};
  } catch {
    return { _raw_arguments: s };
  }
};

/** OpenAI error body → Anthropic error body, by status. */
function anthropicError(status: number, body: unknown): Json {
  const e = isRecord(body) && isRecord(body.error) ? body.error : {};
  const type = status === 401 ? 'authentication_error' : status === 402 ? 'billing_error' : status === 403 ? 'permission_error' : status === 404 ? 'not_found_error' : status === 413 ? 'request_too_large' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type, message: typeof e.message === 'string' ? e.message : `upstream HTTP ${status}` } };
}

/** OpenAI Chat Completions reply → Anthropic Messages reply (errors → Anthropic error bodies). */
export function openAIToAnthropicResponse(status: number, body: unknown): unknown {
  if (status >= 400 || !isRecord(body) || !Array.isArray(body.choices)) return anthropicError(status >= 400 ? status : 502, body);
  const choice = isRecord(body.choices[0]) ? body.choices[0] : {};
  const msg = isRecord(choice.message) ? choice.message : {};
  const content: Json[] = [];
  if (typeof msg.content === 'string' && msg.content) content.push({ type: 'text', text: msg.content });
  for (const c of Array.isArray(msg.tool_calls) ? msg.tool_calls : []) {
    if (isRecord(c) && isRecord(c.function)) content.push({ type: 'tool_use', id: String(c.id ?? ''), name: String(c.function.name ?? ''), input: parseArgs(c.function.arguments) });
  }
  return {
    id: String(body.id ?? 'msg_fixbench'),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: STOP[String(choice.finish_reason)] ?? 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(body.usage),
  };
}

const sse = (event: string, data: Json) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Turns an OpenAI Chat Completions chunk stream (its SSE text, in pieces) into Anthropic Messages
 * events: `message_start`, per text or tool call a `content_block_start` / `_delta` (`text_delta`,
 * `input_json_delta`) / `_stop`, then `message_delta` (stop reason, usage) and `message_stop` at
 * `[DONE]` or the end. Usage comes from the usage chunk (the proxy asks for it).
 */
export class ChatToMessagesStream {
  readonly #splitter = new SseSplitter();
  #started = false;
  #done = false;
  #block: { index: number; kind: 'text' | 'tool'; key: string } | null = null;
  #next = 0;
  #stop: string | null = null;
  #usage: unknown = null;

  constructor(readonly model: string) {}

  /** Feeds upstream SSE text; returns the Anthropic events it completes. */
  push(text: string): string {
    let out = '';
    for (const ev of this.#splitter.push(text).events) {
      if (!ev.data) continue;
      if (ev.data === '[DONE]') {
        out += this.end();
        continue;
      }
      const d = eventRecord(ev.data);
      if (d === null) continue;
      if (isRecord(d.error)) {
        out += sse('error', anthropicError(500, d));
        continue;
      }
      out += this.#start(d);
      if (d.usage) this.#usage = d.usage;
      const choice = Array.isArray(d.choices) && isRecord(d.choices[0]) ? d.choices[0] : null;
      if (!choice) continue;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      if (typeof delta.content === 'string' && delta.content) {
        out += this.#open('text', 'text', { type: 'text', text: '' });
        out += sse('content_block_delta', { type: 'content_block_delta', index: this.#block!.index, delta: { type: 'text_delta', text: delta.content } });
      }
      for (const tc of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        if (!isRecord(tc)) continue;
        const fn = isRecord(tc.function) ? tc.function : {};
        const key = `tool:${String(tc.index ?? 0)}`;
        if (this.#block?.key !== key) out += this.#open('tool', key, { type: 'tool_use', id: String(tc.id ?? `toolu_${this.#next}`), name: String(fn.name ?? ''), input: {} });
        if (typeof fn.arguments === 'string' && fn.arguments) {
          out += sse('content_block_delta', { type: 'content_block_delta', index: this.#block!.index, delta: { type: 'input_json_delta', partial_json: fn.arguments } });
        }
      }
      if (typeof choice.finish_reason === 'string') this.#stop = STOP[choice.finish_reason] ?? 'end_turn';
    }
    return out;
  }

  /** Closes the message (idempotent): the last block, `message_delta` with the usage, `message_stop`. */
  end(): string {
    if (this.#done) return '';
    this.#done = true;
    let out = this.#start({});
    out += this.#close();
    const u = anthropicUsage(this.#usage);
    out += sse('message_delta', { type: 'message_delta', delta: { stop_reason: this.#stop ?? 'end_turn', stop_sequence: null }, usage: u });
    out += sse('message_stop', { type: 'message_stop' });
    return out;
  }

  #start(d: Json): string {
    if (this.#started) return '';
    this.#started = true;
    const message = { id: String(d.id ?? 'msg_fixbench'), type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
    return sse('message_start', { type: 'message_start', message });
  }

  #close(): string {
    if (!this.#block) return '';
    const i = this.#block.index;
    this.#block = null;
    return sse('content_block_stop', { type: 'content_block_stop', index: i });
  }

  #open(kind: 'text' | 'tool', key: string, block: Json): string {
    if (this.#block?.key === key) return '';
    const out = this.#close();
    this.#block = { index: this.#next++, kind, key };
    return out + sse('content_block_start', { type: 'content_block_start', index: this.#block.index, content_block: block });
  }
}

const ANTHROPIC_TO_OPENAI: Translation = {
  upstreamPath: '/v1/chat/completions',
  request: anthropicToOpenAIRequest,
  response: openAIToAnthropicResponse,
  streamSink: (res, model) => translatingSink(res, new ChatToMessagesStream(model)),
};
