// Capped capture of one output stream as bytes, decoded once as UTF-8 at the end. Memory is bounded
// by the cap whatever the stream's length: either the first bytes only, or the first and the last.

import type { ExecResult } from './types.ts';

/** Default cap on captured bytes per stream: 10 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/**
 * Collects Buffer chunks up to `maxBytes`; later bytes are counted but dropped (the stream keeps
 * being drained so the writer never blocks). `text()` decodes once, after cutting back to a
 * character boundary, so a multi-byte character is never split by chunking or by the cap.
 *
 * With `tailBytes > 0`, the cap is split: the first `maxBytes - tailBytes` bytes are kept as the head
 * and a sliding window keeps the last `tailBytes` bytes (`tailText()`); the bytes between are counted
 * (`omittedBytes`) and dropped. Memory stays below `maxBytes` plus one chunk (a pipe chunk is ≤ 64 KiB).
 */
export class OutputCapture {
  #chunks: Buffer[] = [];
  #kept = 0;
  #seen = 0;
  readonly #headMax: number;
  readonly #tailMax: number;
  #tail: Buffer[] = [];
  #tailLen = 0;

  constructor(
    readonly maxBytes: number = DEFAULT_MAX_OUTPUT_BYTES,
    tailBytes = 0,
  ) {
    this.#tailMax = Math.max(0, Math.min(tailBytes, maxBytes));
    this.#headMax = maxBytes - this.#tailMax;
  }

  push(chunk: Buffer): void {
    this.#seen += chunk.length;
    const room = this.#headMax - this.#kept;
    let rest = chunk;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.#chunks.push(part);
      this.#kept += part.length;
      rest = chunk.subarray(part.length);
    }
    if (this.#tailMax === 0 || rest.length === 0) return;
    // Copy: the pipe's buffer may be reused; a subarray would also pin the whole chunk.
    this.#tail.push(Buffer.from(rest));
    this.#tailLen += rest.length;
    while (this.#tail.length > 1 && this.#tailLen - this.#tail[0]!.length >= this.#tailMax) this.#tailLen -= this.#tail.shift()!.length;
    if (this.#tailLen > this.#tailMax) {
      const cut = this.#tailLen - this.#tailMax;
      this.#tail[0] = Buffer.from(this.#tail[0]!.subarray(cut));
      this.#tailLen -= cut;
    }
  }

  /** True when more bytes arrived than the head kept (with a tail window: than head and tail kept). */
  get truncated(): boolean {
    return this.#seen > this.#kept + this.#tailLen;
  }

  /** Bytes received in total, kept or not. */
  get totalBytes(): number {
    return this.#seen;
  }

  /** Bytes neither in the head nor in the tail window (dropped). */
  get omittedBytes(): number {
    return this.#seen - this.#kept - this.#tailLen;
  }

  /**
   * The head as UTF-8 (invalid sequences become U+FFFD). Without a tail window this is everything kept;
   * with one, and when nothing was omitted, head and tail joined are the whole stream.
   */
  text(): string {
    let bytes = Buffer.concat(this.#chunks, this.#kept);
    if (this.#tailMax === 0 ? this.truncated : this.#tailLen > 0) bytes = bytes.subarray(0, utf8Boundary(bytes));
    const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return this.#tailMax > 0 && !this.truncated ? head + this.#decodeTail(false) : head;
  }

  /** The tail window as UTF-8, starting at a character boundary; '' without a tail window or when nothing was omitted. */
  tailText(): string {
    return this.truncated ? this.#decodeTail(true) : '';
  }

  #decodeTail(skipPartialLead: boolean): string {
    let bytes = Buffer.concat(this.#tail, this.#tailLen);
    if (skipPartialLead) {
      let start = 0;
      while (start < bytes.length && start < 3 && (bytes[start]! & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
    } else if (this.#kept > 0) {
      // Head and tail are contiguous: decode them as one so a character split between them survives.
      const head = Buffer.concat(this.#chunks, this.#kept);
      const whole = Buffer.concat([head.subarray(utf8Boundary(head)), bytes]);
      return new TextDecoder('utf-8', { fatal: false }).decode(whole);
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  }
}

/**
 * Length of the longest prefix of `bytes` that does not end inside a multi-byte UTF-8 character
 * (steps back over at most 3 continuation bytes).
 */
export function utf8Boundary(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let back = 0; back < 4 && end - back > 0; back++) {
    const b = bytes[end - back - 1]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back + 1 ? end - back - 1 : end;
  }
  return end;
}

/**
 * The `ExecResult` of a finished command from its stdout and stderr captures: `ended` is the
 * process's exit (`code`, or `signal` when killed) and its run time in ms; with `keepTailBytes`, a
 * cut stdout also gives its tail (`stdoutTail`) and the bytes dropped between (`stdoutOmittedBytes`).
 */
export function capturedResult(
  ended: { code: number | null; signal: NodeJS.Signals | null; ms: number },
  timedOut: boolean,
  out: OutputCapture,
  err: OutputCapture,
  keepTailBytes?: number,
): ExecResult {
  return {
    exitCode: ended.code,
    signal: ended.signal,
    timedOut,
    stdout: out.text(),
    stderr: err.text(),
    durationMs: ended.ms,
    truncated: out.truncated || err.truncated,
    ...(keepTailBytes && out.truncated ? { stdoutTail: out.tailText(), stdoutOmittedBytes: out.omittedBytes } : {}),
  };
}
