// Passing a provider's Server-Sent Events stream to the agent while metering it and redacting the
// real key (DESIGN.md §11: keys never leave fixbench's process) — also when a model echoes the key
// token by token across many events, and when the bytes arrive cut at arbitrary places.
import type http from 'node:http';
import { StreamRedactor, secretRedactor, type Redactor } from '../core/redact.ts';
import { SseSplitter, isRecord, type SseEvent } from './sse.ts';
import { StreamUsage, type Dialect, type ExtractedUsage } from './usage.ts';

type Json = Record<string, unknown>;

/** A text field of one streamed event that continues across events (a "channel"). */
interface Field {
  /** Channel id, e.g. `openai:0:content`, `anthropic:1`. */
  channel: string;
  /** The choice (OpenAI) or content block (Anthropic) the channel belongs to. */
  owner: string;
  get: () => string;
  set: (v: string) => void;
}

/**
 * The streamed text fields of one parsed event: OpenAI chat `choices[i].delta.{content,
 * reasoning_content, reasoning, refusal}` and `delta.tool_calls[j].function.arguments`; Anthropic
 * `content_block_delta` `delta.{text, partial_json, thinking}`; OpenAI Responses `*.delta` events'
 * string `delta`. Pure.
 */
export function streamedFields(dialect: Dialect, data: Json): Field[] {
  const out: Field[] = [];
  const field = (channel: string, owner: string, obj: Json, key: string) => {
    if (typeof obj[key] === 'string') out.push({ channel, owner, get: () => obj[key] as string, set: (v) => (obj[key] = v) });
  };
  if (dialect === 'anthropic') {
    if (data.type === 'content_block_delta' && isRecord(data.delta)) {
      for (const k of ['text', 'partial_json', 'thinking']) field(`anthropic:${String(data.index)}:${k}`, `anthropic:${String(data.index)}`, data.delta, k);
    }
    return out;
  }
  if (Array.isArray(data.choices)) {
    for (const [i, c] of data.choices.entries()) {
      if (!isRecord(c) || !isRecord(c.delta)) continue;
      const idx = typeof c.index === 'number' ? c.index : i;
      for (const k of ['content', 'reasoning_content', 'reasoning', 'refusal']) field(`openai:${idx}:${k}`, `openai:${idx}`, c.delta, k);
      if (Array.isArray(c.delta.tool_calls)) {
        for (const [j, t] of c.delta.tool_calls.entries()) {
          if (isRecord(t) && isRecord(t.function)) field(`openai:${idx}:tool:${typeof t.index === 'number' ? t.index : j}`, `openai:${idx}`, t.function, 'arguments');
        }
      }
    }
  } else if (typeof data.type === 'string' && data.type.endsWith('.delta')) {
    field(`responses:${String(data.item_id)}:${String(data.content_index)}:${data.type}`, 'responses', data, 'delta');
  }
  return out;
}

/** The channel owners an event ends (their held-back text must go out before it); `*` = all. Pure. */
function endedOwners(dialect: Dialect, data: Json | null): string[] {
  if (data === null) return ['*']; // `[DONE]` or a non-JSON event
  if (dialect === 'anthropic') {
    if (data.type === 'content_block_stop') return [`anthropic:${String(data.index)}`];
    return data.type === 'message_delta' || data.type === 'message_stop' || data.type === 'error' ? ['*'] : [];
  }
  if (Array.isArray(data.choices)) {
    return data.choices.flatMap((c, i) => (isRecord(c) && c.finish_reason != null ? [`openai:${typeof c.index === 'number' ? c.index : i}`] : []));
  }
  return typeof data.type === 'string' && !data.type.endsWith('.delta') ? ['*'] : [];
}

/** An event's raw text with its `data:` lines replaced by one line of `data` (other fields kept in place). */
function withData(raw: string, data: Json): string {
  const lines = raw.split(/\r?\n/);
  const first = lines.findIndex((l) => l.startsWith('data:'));
  const kept = lines.filter((l) => !l.startsWith('data:'));
  kept.splice(first < 0 ? kept.length : first, 0, `data: ${JSON.stringify(data)}`);
  return kept.join('\n');
}

/**
 * Redacts the secrets from a stream of SSE events, event by event, keeping every event well-formed:
 * 1. each streamed text field (see `streamedFields`) passes a `StreamRedactor` of its channel, so a
 *    key spread over many deltas is replaced; the few characters held back (a possible start of a
 *    key) go out in the channel's next delta, or in a delta event cloned from its last one just
 *    before the event that ends the channel (OpenAI `finish_reason`, Anthropic `content_block_stop`
 *    / `message_delta` / `message_stop`, `[DONE]`, the end of the stream) — or in that event
 *    itself when it also carries a delta of the channel (a last chunk with `finish_reason`);
 * 2. then each event's whole text passes `secretRedactor` (a key anywhere in one event, as written
 *    or JSON-escaped).
 * Text that is not split into events (a stream that never separates them) passes one `StreamRedactor`.
 */
export class SseRedactor {
  readonly #whole: Redactor;
  readonly #secrets: string[];
  readonly #channels = new Map<string, { r: StreamRedactor; owner: string; last: SseEvent; data: Json; field: Field }>();
  readonly #raw: StreamRedactor;

  constructor(
    readonly dialect: Dialect,
    secrets: readonly string[],
  ) {
    this.#secrets = [...secrets];
    this.#whole = secretRedactor(secrets);
    this.#raw = new StreamRedactor(secrets);
  }

  /** The redacted text of one event (without its separator), preceded by any flush events; `data` is its parsed JSON or null. */
  event(ev: SseEvent, data: Json | null): string[] {
    const ended = endedOwners(this.dialect, data);
    const fields = data === null ? [] : streamedFields(this.dialect, data);
    // Channels this event ends but does not continue get a flush event before it.
    const out = this.#flush(ended, new Set(fields.map((f) => f.channel)));
    if (data === null || !fields.length) return [...out, this.#whole(ev.raw)];
    let changed = false;
    for (const f of fields) {
      let ch = this.#channels.get(f.channel);
      if (!ch) this.#channels.set(f.channel, (ch = { r: new StreamRedactor(this.#secrets), owner: f.owner, last: ev, data, field: f }));
      const before = f.get();
      let after = ch.r.push(before);
      Object.assign(ch, { last: ev, data, field: f });
      // The event that ends its channel (e.g. a last delta with `finish_reason`) carries the rest itself.
      if (ended.includes('*') || ended.includes(f.owner)) {
        after += ch.r.flush();
        this.#channels.delete(f.channel);
      }
      if (after !== before) {
        f.set(after);
        changed = true;
      }
    }
    return [...out, this.#whole(changed ? withData(ev.raw, data) : ev.raw)];
  }

  /** Flush events for every channel still holding text (at the end of the stream). */
  end(): string[] {
    return this.#flush(['*']);
  }

  /** Unsplit text (see the class comment), redacted as a stream; `last` flushes it. */
  raw(text: string, last = false): string {
    return this.#raw.push(text) + (last ? this.#raw.flush() : '');
  }

  #flush(owners: string[], except: ReadonlySet<string> = new Set()): string[] {
    const out: string[] = [];
    for (const [id, ch] of this.#channels) {
      if (except.has(id) || (!owners.includes('*') && !owners.includes(ch.owner))) continue;
      this.#channels.delete(id);
      const rest = ch.r.flush();
      if (!rest) continue;
      // A copy of the channel's last event carrying only the held-back text in the same field.
      const copy = structuredClone(ch.data);
      const field = streamedFields(this.dialect, copy).find((f) => f.channel === id);
      if (!field) continue;
      for (const f of streamedFields(this.dialect, copy)) f.set(f.channel === id ? rest : '');
      if (Array.isArray(copy.choices)) for (const c of copy.choices) if (isRecord(c)) c.finish_reason = null;
      delete copy.usage;
      out.push(this.#whole(withData(ch.last.raw, copy)));
    }
    return out;
  }
}

/** Writes with back-pressure. */
export function write(res: http.ServerResponse, text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(new Error('client closed the connection'));
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/**
 * Passes an SSE stream through event by event while collecting its usage and redacting `secrets`
 * (see `SseRedactor`). With `stripUsageChunk`, an OpenAI chunk that only carries usage
 * (`choices: []`, added by our `include_usage`) is dropped.
 */
export async function pipeSse(
  body: ReadableStream<Uint8Array>,
  res: http.ServerResponse,
  dialect: Dialect,
  stripUsageChunk: boolean,
  secrets: readonly string[],
): Promise<ExtractedUsage | null> {
  const splitter = new SseSplitter();
  const usage = new StreamUsage(dialect);
  const redactor = new SseRedactor(dialect, secrets);
  const decoder = new TextDecoder('utf-8');
  const forward = async (text: string, last: boolean) => {
    const { events, overflow } = splitter.push(text);
    for (const ev of events) {
      let data: Json | null = null;
      let drop = false;
      if (ev.data && ev.data !== '[DONE]') {
        try {
          const parsed = JSON.parse(ev.data) as unknown;
          usage.add(parsed);
          if (isRecord(parsed)) data = parsed;
          drop = data !== null && stripUsageChunk && Array.isArray(data.choices) && data.choices.length === 0 && isRecord(data.usage);
        } catch {
          /* not JSON: pass it on */
        }
      }
      if (drop) continue;
      for (const out of redactor.event(ev, data)) await write(res, `${out}\n\n`);
    }
    if (overflow || (last && splitter.broken)) await write(res, redactor.raw(overflow, last));
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) await forward(decoder.decode(chunk, { stream: true }), false);
  await forward(decoder.decode(), true);
  for (const out of redactor.end()) await write(res, `${out}\n\n`);
  const rest = splitter.rest();
  if (rest) await write(res, redactor.raw(rest, true));
  return usage.result();
}
