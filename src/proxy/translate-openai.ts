// Protocol translation, the other way (issue 20.3): an agent that speaks OpenAI Chat Completions
// (opencode, Qwen Code, pi, OpenClaw) driving a model behind the Anthropic Messages API. Requests,
// whole replies, streamed replies (event by event), tool calls, usage and errors are translated; the
// call is metered from the upstream's own (Anthropic) usage, exactly like a direct call.
import { SseSplitter, eventRecord, isRecord } from './sse.ts';
import { translatingSink } from './stream-sink.ts';
import type { Translation } from './translation.ts';

type Json = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Anthropic requires `max_tokens`; used when the OpenAI request gives none. */
export const DEFAULT_MAX_TOKENS = 8192;

const parseArgs = (s: unknown): unknown => {
  try {
    return typeof s === 'string' && s.trim() ? JSON.parse(s) : {};
  } catch {
    return { _raw_arguments: s };
  }
};

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('') : '';

function userBlocks(content: unknown): Json[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const out: Json[] = [];
  for (const p of Array.isArray(content) ? content : []) {
    if (!isRecord(p)) continue;
    if (p.type === 'text' && typeof p.text === 'string') out.push({ type: 'text', text: p.text });
    else if (p.type === 'image_url' && isRecord(p.image_url) && typeof p.image_url.url === 'string') {
      const m = /^data:([^;]+);base64,(.*)$/s.exec(p.image_url.url);
      out.push({ type: 'image', source: m ? { type: 'base64', media_type: m[1], data: m[2] } : { type: 'url', url: p.image_url.url } });
    }
  }
  return out;
}

/** OpenAI Chat Completions request → Anthropic Messages request (consecutive same-role turns merged). */
export function openAIToAnthropicRequest(o: Json): Json {
  const system: string[] = [];
  const messages: Array<{ role: 'user' | 'assistant'; content: Json[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]) => {
    if (!blocks.length) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of Array.isArray(o.messages) ? o.messages : []) {
    if (!isRecord(m)) continue;
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content));
    else if (m.role === 'user') push('user', userBlocks(m.content));
    else if (m.role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: String(m.tool_call_id ?? ''), content: textOf(m.content) }]);
    else if (m.role === 'assistant') {
      const blocks: Json[] = [];
      const text = textOf(m.content);
      if (text) blocks.push({ type: 'text', text });
      for (const c of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
        if (isRecord(c) && isRecord(c.function)) blocks.push({ type: 'tool_use', id: String(c.id ?? ''), name: String(c.function.name ?? ''), input: parseArgs(c.function.arguments) });
      }
      push('assistant', blocks);
    }
  }
  const out: Json = { model: o.model, max_tokens: o.max_completion_tokens ?? o.max_tokens ?? DEFAULT_MAX_TOKENS, messages };
  if (system.some(Boolean)) out.system = system.filter(Boolean).join('\n\n');
  for (const k of ['temperature', 'top_p'] as const) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  if (o.stop) out.stop_sequences = Array.isArray(o.stop) ? o.stop : [o.stop];
  const tools = (Array.isArray(o.tools) ? o.tools : []).filter((t): t is Json => isRecord(t) && isRecord(t.function));
  if (tools.length) {
    out.tools = tools.map((t) => {
      const f = t.function as Json;
      return { name: f.name, ...(f.description ? { description: f.description } : {}), input_schema: isRecord(f.parameters) ? f.parameters : { type: 'object', properties: {} } };
    });
    const c = o.tool_choice;
    if (c === 'required') out.tool_choice = { type: 'any' };
    else if (c === 'none') out.tool_choice = { type: 'none' };
    else if (isRecord(c) && isRecord(c.function)) out.tool_choice = { type: 'tool', name: c.function.name };
  }
  if (o.stream === true) out.stream = true;
  return out;
}

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter', pause_turn: 'stop' };

/** Anthropic usage → OpenAI Chat usage (`prompt_tokens` includes cache reads and writes). */
export function openAIUsage(u: unknown): Json {
  const r = isRecord(u) ? u : {};
  const read = num(r.cache_read_input_tokens);
  const prompt = num(r.input_tokens) + read + num(r.cache_creation_input_tokens);
  const completion = num(r.output_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: read } };
}

function openAIError(status: number, body: unknown): Json {
  const e = isRecord(body) && isRecord(body.error) ? body.error : {};
  return { error: { message: typeof e.message === 'string' ? e.message : `upstream HTTP ${status}`, type: typeof e.type === 'string' ? e.type : 'api_error', code: null, param: null } };
}

/** Anthropic Messages reply → OpenAI Chat Completions reply (errors → OpenAI error bodies). */
export function anthropicToOpenAIResponse(status: number, body: unknown): unknown {
  if (status >= 400 || !isRecord(body) || !Array.isArray(body.content)) return openAIError(status >= 400 ? status : 502, body);
  const text = body.content.map((b) => (isRecord(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
  const calls = body.content.filter((b): b is Json => isRecord(b) && b.type === 'tool_use').map((b) => ({ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) } }));
  return {
    id: String(body.id ?? 'chatcmpl-fixbench'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: FINISH[String(body.stop_reason)] ?? 'stop' }],
    usage: openAIUsage(body.usage),
  };
}

/**
 * Turns an Anthropic Messages event stream (its SSE text, in pieces) into OpenAI chat.completion
 * chunks: a role chunk, text as `delta.content`, tool calls as `delta.tool_calls` (name first, then
 * argument pieces), a chunk with `finish_reason`, the usage chunk when the client asked for it
 * (`stream_options.include_usage`), then `[DONE]`.
 */
export class MessagesToChatStream {
  readonly #splitter = new SseSplitter();
  #id = 'chatcmpl-fixbench';
  #tools = new Map<number, number>();
  #start: Json = {};
  #delta: Json = {};
  #finish: string | null = null;
  #done = false;

  constructor(readonly model: string, readonly includeUsage: boolean) {}

  #chunk(delta: Json, finish: string | null = null): string {
    return `data: ${JSON.stringify({ id: this.#id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  }

  /** Feeds upstream SSE text; returns the OpenAI chunks it completes. */
  push(text: string): string {
    let out = '';
    for (const ev of this.#splitter.push(text).events) {
      const d = eventRecord(ev.data);
      if (d === null) continue;
      if (d.type === 'message_start' && isRecord(d.message)) {
        this.#id = String(d.message.id ?? this.#id);
        if (isRecord(d.message.usage)) this.#start = d.message.usage;
        out += this.#chunk({ role: 'assistant', content: '' });
      } else if (d.type === 'content_block_start' && isRecord(d.content_block) && d.content_block.type === 'tool_use') {
        const i = this.#tools.size;
        this.#tools.set(Number(d.index), i);
        out += this.#chunk({ tool_calls: [{ index: i, id: String(d.content_block.id), type: 'function', function: { name: String(d.content_block.name), arguments: '' } }] });
      } else if (d.type === 'content_block_delta' && isRecord(d.delta)) {
        if (d.delta.type === 'text_delta' && typeof d.delta.text === 'string') out += this.#chunk({ content: d.delta.text });
        else if (d.delta.type === 'input_json_delta' && typeof d.delta.partial_json === 'string' && this.#tools.has(Number(d.index))) {
          out += this.#chunk({ tool_calls: [{ index: this.#tools.get(Number(d.index)), function: { arguments: d.delta.partial_json } }] });
        }
      } else if (d.type === 'message_delta') {
        if (isRecord(d.usage)) for (const [k, v] of Object.entries(d.usage)) if (v !== null && v !== undefined) this.#delta[k] = v;
        if (isRecord(d.delta) && typeof d.delta.stop_reason === 'string') this.#finish = FINISH[d.delta.stop_reason] ?? 'stop';
      } else if (d.type === 'message_stop') out += this.end();
      else if (d.type === 'error') out += `data: ${JSON.stringify(openAIError(500, d))}\n\n`;
    }
    return out;
  }

  /** Closes the stream (idempotent): the finish chunk, the usage chunk when asked, `[DONE]`. */
  end(): string {
    if (this.#done) return '';
    this.#done = true;
    let out = this.#chunk({}, this.#finish ?? 'stop');
    if (this.includeUsage) out += `data: ${JSON.stringify({ id: this.#id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: this.model, choices: [], usage: openAIUsage({ ...this.#start, ...this.#delta }) })}\n\n`;
    return `${out}data: [DONE]\n\n`;
  }
}

/** A fresh translation for one OpenAI Chat request to an Anthropic upstream (it remembers `include_usage`). */
export function openAIToAnthropic(): Translation {
  let includeUsage = false;
  return {
    upstreamPath: '/v1/messages',
    headers: { 'anthropic-version': '2023-06-01' },
    request(body) {
      includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
      return openAIToAnthropicRequest(body);
    },
    response: anthropicToOpenAIResponse,
    streamSink: (res, model) => translatingSink(res, new MessagesToChatStream(model, includeUsage)),
  };
}
