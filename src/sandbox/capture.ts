// Capped capture of one output stream as bytes, decoded once as UTF-8 at the end.

/** Default cap on captured bytes per stream: 10 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

/**
 * Collects Buffer chunks up to `maxBytes`; later bytes are counted but dropped (the stream keeps
 * being drained so the writer never blocks). `text()` decodes once, after cutting back to a
 * character boundary, so a multi-byte character is never split by chunking or by the cap.
 */
export class OutputCapture {
  #chunks: Buffer[] = [];
  #kept = 0;
  #seen = 0;

  constructor(readonly maxBytes: number = DEFAULT_MAX_OUTPUT_BYTES) {}

  push(chunk: Buffer): void {
    this.#seen += chunk.length;
    const room = this.maxBytes - this.#kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#chunks.push(part);
    this.#kept += part.length;
  }

  /** True when more bytes arrived than were kept. */
  get truncated(): boolean {
    return this.#seen > this.#kept;
  }

  /** Bytes received in total, kept or not. */
  get totalBytes(): number {
    return this.#seen;
  }

  /** The kept bytes as UTF-8 (invalid sequences become U+FFFD). */
  text(): string {
    let bytes = Buffer.concat(this.#chunks, this.#kept);
    if (this.truncated) bytes = bytes.subarray(0, utf8Boundary(bytes));
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
