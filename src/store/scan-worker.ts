// Worker thread of the `attempts.jsonl` scan (src/store/scan.ts `scanAttempts`): reads and judges
// the lines from `start` (a line's start) to the end of the file, alone (src/store/scan-lines.ts),
// while the main thread reads the lines before it. workerData: { file, header, fields, start, chunk }
// (`fields`: the projection's field names; `chunk`: records a message, default 4,096). Posts the
// records in file order as it goes, {@link ScanWorkerChunk}s (the main thread parses each as it
// comes, between its own reads or while it waits): UTF-8 JSON texts, one a line, in transferred
// buffers (each record as zod output it, JSON.stringify'd: parsed back, the same keys in the same
// order and the same values; cheaper to send and to parse than a structured clone of 50,000
// objects, and the worker holds no object past its line, so its heap stays small), with their
// places (lines numbered from the range's start). Then one {@link ScanWorkerReply}: `ok`, or
// `ok: false` when any line was not a valid record, when a record holds a value JSON would not
// carry back as is (-0), or on any error — the main thread then drops the chunks and reads the
// range itself, so every record and every message about a bad line is the one-thread scan's.
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunHeader } from '../core/records.ts';
import { NameSet } from './project-line.ts';
import { judgeLine, readLines } from './scan-lines.ts';
import { projection } from './scan.ts';

/** Records the worker posts as it goes, in file order: `records` holds their JSON texts, each ended by a newline (`bytes` of it used), `at` line, offset and bytes of each record, three numbers per record. Valid only if the final reply is `ok`. */
export type ScanWorkerChunk = { kind: 'chunk'; records: Uint8Array; bytes: number; at: Float64Array };

/** The worker's last message, after every chunk: `ok` when every chunk sent holds all its records (`line`: lines read, `lastNonEmpty`: numbered from its range's start). */
export type ScanWorkerReply = { ok: true; line: number; lastNonEmpty: number } | { ok: false };

/** Whether `v` (a record as zod output it: JSON values) holds a -0, which JSON.stringify writes as 0. */
export function holdsNegativeZero(v: unknown): boolean {
  if (typeof v === 'number') return v === 0 && 1 / v < 0;
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(holdsNegativeZero);
  for (const k in v) if (holdsNegativeZero((v as Record<string, unknown>)[k])) return true;
  return false;
}

const { file, header, fields, start, chunk = 4096 } = workerData as { file: string; header: RunHeader; fields: string[]; start: number; chunk?: number };

/** Posts `records[0, used)` and `at` as one chunk (transferred: the buffers are gone after). */
function post(records: Buffer, used: number, at: number[]): void {
  const c: ScanWorkerChunk = { kind: 'chunk', records, bytes: used, at: Float64Array.from(at) };
  parentPort!.postMessage(c, [c.at.buffer as ArrayBuffer, records.buffer as ArrayBuffer]);
}

async function main(): Promise<ScanWorkerReply> {
  const p = projection(fields as never[]);
  const judge = { want: new NameSet(new Set(p.fields!)), schema: p.schema, header };
  const size = 1 << 20;
  let records = Buffer.allocUnsafeSlow(size);
  let used = 0;
  let at: number[] = [];
  let ok = true;
  const fh = await open(file, 'r');
  try {
    const r = await readLines(fh, start, null, 0, (buf, s, e, place, last) => {
      if (!ok) return;
      const j = judgeLine(buf, s, e, file, judge, last);
      if (j.kind === 'ok') {
        if (holdsNegativeZero(j.data)) return void (ok = false);
        const text = JSON.stringify(j.data);
        // at most 3 bytes of UTF-8 per UTF-16 unit, and the newline
        if (used + 3 * text.length + 1 > records.length) {
          const grown = Buffer.allocUnsafeSlow(Math.max(2 * records.length, used + 3 * text.length + 1));
          records.copy(grown, 0, 0, used);
          records = grown;
        }
        used += records.write(text, used);
        records[used++] = 0x0a;
        at.push(place.line, place.offset, place.bytes);
        if (at.length === 3 * chunk) {
          post(records, used, at);
          [records, used, at] = [Buffer.allocUnsafeSlow(size), 0, []];
        }
      } else if (j.kind !== 'torn') ok = false;
    });
    if (!ok) return { ok: false };
    if (at.length) post(records, used, at);
    return { ok, line: r.line, lastNonEmpty: r.lastNonEmpty };
  } finally {
    await fh.close();
  }
}

const reply = await main().catch((): ScanWorkerReply => ({ ok: false }));
parentPort!.postMessage(reply);
