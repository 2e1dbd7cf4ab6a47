// Incremental splitting of a Server-Sent Events byte stream into whole events, with a bound on the
// size of one event (a stream that never separates its events cannot grow our memory).

/** One event: its raw text (separator excluded) and the joined `data:` lines. */
export interface SseEvent {
  raw: string;
  data: string;
}

/**
 * Feeds decoded text chunks; `push` returns the events completed by the chunk (separated by a blank
 * line: `\n\n` or `\r\n\r\n`). When the pending, unseparated text passes `maxEventChars`, the splitter
 * gives up: `push` returns the text as-is in `overflow` from then on, and parsing stops (the caller
 * forwards bytes unparsed and loses the usage, never the stream).
 */
export class SseSplitter {
  #pending = '';
  #broken = false;

  constructor(readonly maxEventChars = 8 * 1024 * 1024) {}

  get broken(): boolean {
    return this.#broken;
  }

  push(text: string): { events: SseEvent[]; overflow: string } {
    if (this.#broken) return { events: [], overflow: text };
    this.#pending += text;
    const events: SseEvent[] = [];
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.#pending);
      if (!m) break;
      const raw = this.#pending.slice(0, m.index);
      this.#pending = this.#pending.slice(m.index + m[0].length);
      events.push({ raw, data: dataOf(raw) });
    }
    if (this.#pending.length > this.maxEventChars) {
      this.#broken = true;
      const overflow = this.#pending;
      this.#pending = '';
      return { events, overflow };
    }
    return { events, overflow: '' };
  }

  /** Text left without a closing blank line at the end of the stream. */
  rest(): string {
    const r = this.#pending;
    this.#pending = '';
    return r;
  }
}

/** The `data:` field of an event's lines, joined with `\n` (SSE spec: one optional space after the colon). */
export function dataOf(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('data:')) lines.push(line.slice(line[5] === ' ' ? 6 : 5));
  }
  return lines.join('\n');
}

/** A JSON object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An event's `data` parsed as a JSON object, or null when it is not one (keep-alives, `[DONE]`, garbage). */
export function eventRecord(data: string): Record<string, unknown> | null {
  try {
    const d: unknown = JSON.parse(data);
    return isRecord(d) ? d : null;
  } catch {
    return null;
  }
}
