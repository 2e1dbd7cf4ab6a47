// The two-thread read of a large `attempts.jsonl` (src/store/scan.ts `scanAttempts`): the file is cut
// into ranges of ~4 MiB at line starts, and this thread and one worker (src/store/scan-worker.ts)
// each take the next range nobody has taken (a shared counter), so the work splits by speed, not
// by a fixed half: the worker's start-up, this thread's extra work (the cross-line checks, parsing
// the worker's texts) and the machine's load no longer leave one thread waiting for the other.
// Ranges are accepted in file order as soon as every range before them is in; a range that held
// any line other than a valid record (or that the worker failed on) is read again here in order by
// the one-thread judge, so every record, place and message is the one-thread scan's.
import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { sameBuildAsStartup } from '../core/built-files.ts';
import type { RunHeader } from '../core/records.ts';
import { judgeLine, lineStartAfter, readLines, type LineAt, type LineJudge } from './scan-lines.ts';
import type { ScanWorkerMessage } from './scan-worker.ts';

/** Bytes per range (default of {@link ShareOptions.rangeBytes}). */
export const RANGE_BYTES = 4 * 2 ** 20;

/**
 * How the work is shared: `rangeBytes` (default {@link RANGE_BYTES}); `workerOnly` (tests): this
 * thread takes no range, it only reads again the ranges the worker could not give. `onWorkerStart`:
 * called once on this thread right after the worker started (while it loads its modules), for work
 * a caller would do after the scan anyway: with the ranges shared, it costs the scan's wall time
 * about half its own. `onWorkerWait`: as ScanOptions'.
 */
export interface ShareOptions {
  rangeBytes?: number;
  workerOnly?: boolean;
  onWorkerStart?: () => void;
  onWorkerWait?: () => void;
}

/** A range read: its records and their places (line from the range's start, offset, bytes: three numbers each), its lines and last non-blank line (from its start); or `redo`: read it again on this thread. */
type RangeDone<T> = { records: T[]; at: ArrayLike<number>; lines: number; lastNonEmpty: number } | 'redo';

/**
 * Starts of ranges of about `rangeBytes` of `fh` (`size` bytes), each at a line start; the first is 0.
 * @throws the file-system error of a read.
 */
export async function rangeStarts(fh: FileHandle, size: number, rangeBytes: number): Promise<number[]> {
  const starts = [0];
  for (let near = rangeBytes; near < size; near += rangeBytes) {
    const s = await lineStartAfter(fh, Math.max(near, starts.at(-1)! + 1), size);
    if (s === null) break;
    if (s > starts.at(-1)!) starts.push(s);
  }
  return starts;
}

/**
 * Reads `fh` (`file`, `size` bytes) from its start with a worker, judging lines by `judge` and
 * calling `accept` with each valid record and its place in file order; ranges to read again go
 * through `onLine` (the one-thread scan's judge and accept, lines numbered from the file's start).
 * Returns the last non-blank line's number (for the bad-JSON message), the number of ranges and of
 * ranges whose records came from the worker.
 * @throws the file-system error of a read again, or whatever `onLine` or `accept` throws.
 */
export async function scanShared<T>(fh: FileHandle, size: number, j: LineJudge<T> & { file: string; fields: readonly string[] }, accept: (r: T, at: LineAt) => void, onLine: Parameters<typeof readLines>[4], o: ShareOptions = {}): Promise<{ lastNonEmpty: number; ranges: number; byWorker: number }> {
  const starts = await rangeStarts(fh, size, o.rangeBytes ?? RANGE_BYTES);
  const n = starts.length;
  const end = (i: number) => (i + 1 < n ? starts[i + 1]! : null);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const results: Array<RangeDone<T> | undefined> = new Array(n);
  let committed = 0; // ranges accepted, in order
  let linesBefore = 0;
  let lastNonEmpty = 0;
  let byWorker = 0;
  const fromWorker = new Set<number>();
  const commit = (): void => {
    for (let r = results[committed]; committed < n && r !== undefined && r !== 'redo'; r = results[++committed]) {
      for (let k = 0; k < r.records.length; k++) accept(r.records[k]!, { line: r.at[3 * k]! + linesBefore, offset: r.at[3 * k + 1]!, bytes: r.at[3 * k + 2]! });
      if (r.lastNonEmpty) lastNonEmpty = r.lastNonEmpty + linesBefore;
      linesBefore += r.lines;
      if (fromWorker.has(committed)) byWorker++;
      results[committed] = 'redo'; // released (never read again: committed moves past it)
    }
  };
  const worker = startWorker({ file: j.file, header: j.header, fields: j.fields, starts, next }, (i, r) => {
    // accepted by this thread's flow (after its own ranges, or as it waits), never from the message handler
    results[i] = r as RangeDone<T>;
    if (r !== 'redo') fromWorker.add(i);
  });
  try {
    if (worker.started) o.onWorkerStart?.();
    if (!o.workerOnly || !worker.started) {
      for (let i = Atomics.add(next, 0, 1); i < n; i = Atomics.add(next, 0, 1)) {
        results[i] = await readOwn(fh, starts[i]!, end(i), j);
        commit();
      }
    }
    // what is missing now is the worker's: wait for it (or its end: then they are read again here)
    let told = false;
    while (!worker.finished() && results.includes(undefined)) {
      if (!told) o.onWorkerWait?.();
      told = true;
      await worker.change();
      commit();
    }
    for (; committed < n; committed++) {
      commit();
      if (committed === n) break;
      const r = await readLines(fh, starts[committed]!, end(committed), linesBefore, onLine);
      lastNonEmpty = r.lastNonEmpty || lastNonEmpty;
      linesBefore = r.line;
    }
  } finally {
    worker.stop();
  }
  return { lastNonEmpty, ranges: n, byWorker };
}

/** One range read on this thread with lines numbered from its start; `redo` at any line that is not a valid record (or any error): read again in order. */
async function readOwn<T>(fh: FileHandle, start: number, end: number | null, j: LineJudge<T> & { file: string }): Promise<RangeDone<T>> {
  const records: T[] = [];
  const at: number[] = [];
  let ok = true;
  try {
    const r = await readLines(fh, start, end, 0, (buf, s, e, place, last) => {
      if (!ok) return;
      const x = judgeLine(buf, s, e, j.file, j, last);
      if (x.kind !== 'ok') return void (ok = false);
      records.push(x.data);
      at.push(place.line, place.offset, place.bytes);
    });
    return ok ? { records, at, lines: r.line, lastNonEmpty: r.lastNonEmpty } : 'redo';
  } catch {
    return 'redo'; // an unknown format version or a read error: said with the right line when read again
  }
}

/** The worker's file beside this one: `.ts` when run from the sources (loaded through tsx's API, as `--import` does not reach a worker on Node 20), `.js` when built. */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './scan-worker.ts' : './scan-worker.js', import.meta.url);

/** The sources' worker bootstrap (scripts/ts-worker.mjs: loads `workerData.tsEntry` through tsx), outside dist/: the built CLI never loads tsx. */
const TS_WORKER = new URL('../../scripts/ts-worker.mjs', import.meta.url);

/**
 * Starts the worker (src/store/scan-worker.ts) and hands each range it reads to `onRange` (its JSON
 * texts parsed here, as they come: while this thread reads, between its reads, or waits), or
 * `redo`. `finished`: it posted `done`, failed or exited (no more ranges come); `change`: resolves
 * at its next message or end.
 */
function startWorker(workerData: object, onRange: (index: number, r: RangeDone<unknown>) => void): { started: boolean; finished: () => boolean; change: () => Promise<void>; stop: () => void } {
  let w: Worker;
  try {
    // a rebuild since start-up: the worker's file is another build's code; this thread reads it all
    if (!WORKER.pathname.endsWith('.ts') && !sameBuildAsStartup()) throw new Error('dist/ was rebuilt');
    w = WORKER.pathname.endsWith('.ts') ? new Worker(TS_WORKER, { workerData: { ...workerData, tsEntry: WORKER.href } }) : new Worker(WORKER, { workerData });
  } catch {
    return { started: false, finished: () => true, change: async () => {}, stop: () => {} }; // no worker here: this thread reads it all
  }
  let finished = false;
  let wake: (() => void) | null = null;
  const changed = () => {
    wake?.();
    wake = null;
  };
  w.on('message', (m: ScanWorkerMessage) => {
    if (m.kind === 'done') finished = true;
    else if (!m.ok) onRange(m.index, 'redo');
    else {
      try {
        const texts = Buffer.from(m.records.buffer, m.records.byteOffset, m.bytes);
        const records: unknown[] = [];
        for (let s = 0; s < texts.length; ) {
          const nl = texts.indexOf(0x0a, s);
          records.push(JSON.parse(texts.toString('utf8', s, nl)));
          s = nl + 1;
        }
        onRange(m.index, { records, at: m.at, lines: m.lines, lastNonEmpty: m.lastNonEmpty });
      } catch {
        onRange(m.index, 'redo'); // a range this thread cannot read from the worker: read it itself
      }
    }
    changed();
  });
  const end = () => {
    finished = true;
    changed();
  };
  w.once('error', end);
  w.once('exit', end);
  return { started: true, finished: () => finished, change: () => new Promise<void>((r) => (wake = r)), stop: () => void w.terminate() };
}
