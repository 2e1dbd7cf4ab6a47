// Worker thread of the `attempts.jsonl` scan (src/store/scan.ts `scanAttempts`, src/store/scan-share.ts):
// the file is cut into ranges at line starts (`starts`, bytes; the last range runs to the end of the
// file), and this thread and the main thread each take the next range not taken yet (one shared
// counter, `Atomics.add`), so the faster thread reads more of the file whatever the load. Each range
// is judged alone (src/store/scan-lines.ts), its lines numbered from the range's start.
// workerData: { file, header, fields, starts, next } (`fields`: the projection's field names; `next`:
// an Int32Array over a SharedArrayBuffer, slot 0 the next range to take). For each range taken it
// posts one {@link ScanWorkerRange}: UTF-8 JSON texts, one a line, in a transferred buffer (each
// record as zod output it, JSON.stringify'd: parsed back, the same keys in the same order and the
// same values; cheaper to send and to parse than a structured clone, and this thread holds no
// object past its range), with their places; `ok: false` when any line was not a valid record, when
// a record holds a value JSON would not carry back as is (-0), or on any error — the main thread
// then reads that range itself, so every record and every message about a bad line is the
// one-thread scan's. Then `{ kind: 'done' }`, once no range is left.
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunHeader } from '../core/records.ts';
import { NameSet } from './project-line.ts';
import { judgeLine, readLines } from './scan-lines.ts';
import { projection } from './scan.ts';

/**
 * One range read by the worker: `records` holds the JSON texts of its records, each ended by a
 * newline (`bytes` of it used), `at` line (from the range's start, 1-based), offset and bytes of each
 * record, three numbers per record; `lines`: the lines of the range (blank ones included),
 * `lastNonEmpty`: the last non-blank one (0 when none). `ok: false`: read it again (see above).
 */
export type ScanWorkerRange = { kind: 'range'; index: number; ok: true; records: Uint8Array; bytes: number; at: Float64Array; lines: number; lastNonEmpty: number } | { kind: 'range'; index: number; ok: false };

/** A message of the worker: a range read, or `done` once it takes no more. */
export type ScanWorkerMessage = ScanWorkerRange | { kind: 'done' };

/** Whether `v` (a record as zod output it: JSON values) holds a -0, which JSON.stringify writes as 0. */
export function holdsNegativeZero(v: unknown): boolean {
  if (typeof v === 'number') return v === 0 && 1 / v < 0;
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(holdsNegativeZero);
  for (const k in v) if (holdsNegativeZero((v as Record<string, unknown>)[k])) return true;
  return false;
}

const { file, header, fields, starts, next } = workerData as { file: string; header: RunHeader; fields: string[]; starts: number[]; next: Int32Array };

const p = projection(fields as never[]);
const judge = { want: new NameSet(new Set(p.fields!)), schema: p.schema, header };

/** Reads range `index` into one message (its buffers transferred). */
async function readRange(fh: Awaited<ReturnType<typeof open>>, index: number): Promise<void> {
  let records = Buffer.allocUnsafeSlow(1 << 20);
  let used = 0;
  const at: number[] = [];
  let ok = true;
  try {
    const end = index + 1 < starts.length ? starts[index + 1]! : null;
    const r = await readLines(fh, starts[index]!, end, 0, (buf, s, e, place, last) => {
      if (!ok) return;
      const j = judgeLine(buf, s, e, file, judge, last);
      if (j.kind !== 'ok' || holdsNegativeZero(j.data)) return void (ok = false);
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
    });
    if (ok) {
      const m: ScanWorkerRange = { kind: 'range', index, ok: true, records, bytes: used, at: Float64Array.from(at), lines: r.line, lastNonEmpty: r.lastNonEmpty };
      return parentPort!.postMessage(m, [m.at.buffer as ArrayBuffer, records.buffer as ArrayBuffer]);
    }
  } catch {
    // an unknown format version (judgeLine throws), a read error: the main thread reads it and says so
  }
  parentPort!.postMessage({ kind: 'range', index, ok: false } satisfies ScanWorkerRange);
}

const fh = await open(file, 'r').catch(() => null);
try {
  for (let i = Atomics.add(next, 0, 1); i < starts.length; i = Atomics.add(next, 0, 1)) {
    if (fh) await readRange(fh, i);
    else parentPort!.postMessage({ kind: 'range', index: i, ok: false } satisfies ScanWorkerRange);
  }
} finally {
  await fh?.close();
}
parentPort!.postMessage({ kind: 'done' } satisfies ScanWorkerMessage);
