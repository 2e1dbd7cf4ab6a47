// Worker thread of the `attempts.jsonl` scan (src/store/scan.ts `scanAttempts`): reads and judges
// the lines from `start` (a line's start) to the end of the file, alone (src/store/scan-lines.ts),
// while the main thread reads the lines before it. workerData: { file, header, fields, start }
// (`fields`: the projection's field names). Posts one {@link ScanWorkerReply}: the records in file
// order with their places (lines numbered from the range's start), or `ok: false` when any line
// was not a valid record, or on any error — the main thread then reads the range itself, so every
// message about a bad line is the one-thread scan's.
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunHeader } from '../core/records.ts';
import { NameSet } from './project-line.ts';
import { judgeLine, readLines } from './scan-lines.ts';
import { projection } from './scan.ts';

/** What the worker posts: `at` holds line, offset and bytes of each record, three numbers per record. */
export type ScanWorkerReply = { ok: true; records: unknown[]; at: Float64Array; line: number; lastNonEmpty: number } | { ok: false };

const { file, header, fields, start } = workerData as { file: string; header: RunHeader; fields: string[]; start: number };

async function main(): Promise<ScanWorkerReply> {
  const p = projection(fields as never[]);
  const judge = { want: new NameSet(new Set(p.fields!)), schema: p.schema, header };
  const records: unknown[] = [];
  const at: number[] = [];
  let ok = true;
  const fh = await open(file, 'r');
  try {
    const r = await readLines(fh, start, null, 0, (buf, s, e, place, last) => {
      if (!ok) return;
      const j = judgeLine(buf, s, e, file, judge, last);
      if (j.kind === 'ok') {
        records.push(j.data);
        at.push(place.line, place.offset, place.bytes);
      } else if (j.kind !== 'torn') ok = false;
    });
    return ok ? { ok, records, at: Float64Array.from(at), line: r.line, lastNonEmpty: r.lastNonEmpty } : { ok: false };
  } finally {
    await fh.close();
  }
}

const reply = await main().catch((): ScanWorkerReply => ({ ok: false }));
parentPort!.postMessage(reply, reply.ok ? [reply.at.buffer as ArrayBuffer] : []);
