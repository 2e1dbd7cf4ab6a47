// Writes many small files (the report's attempt pages) from one worker thread with plain synchronous
// calls, in batches. fs/promises costs three thread-pool round trips per file (open, write, close),
// each a promise on the main thread and a futex hand-off: for the 11,000 pages of the 20 × 500 × 3
// bench about 0.5 s of user CPU and as much system CPU again, against 0.06 s + 0.2–0.5 s for the
// same files written synchronously (bench/RESULTS.md, report16). Written on the main thread
// synchronously instead, every write would stall the rendering whenever the disk is slow; in a
// worker the writes overlap with it. A build of fewer files than one batch (a run's report of a few
// tasks) never starts the worker: starting a thread costs more than writing them on the main thread.
import { dirname } from 'node:path';
import { WRITE_BY_RENAME_SYNC_JS, type OwnedTree } from '../core/owned-tree.ts';
import { Worker } from 'node:worker_threads';

/**
 * The worker: `[file, text][]` batches in, `{ done }` or `{ error, code, file }` out. Each file is
 * written by temporary file and rename (src/core/owned-tree.ts); its folder was checked before it was queued.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
${WRITE_BY_RENAME_SYNC_JS}
parentPort.on('message', (batch) => {
  let file = null;
  try {
    for (const [f, text] of batch) {
      file = f;
      writeByRenameSync(f, text);
    }
    parentPort.postMessage({ done: batch.length });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e), code: (e && e.code) || null, file });
  }
});
`;

/** Files per message to the worker. */
const BATCH = 64;
/** Batches sent and not yet written, at most: bounds the memory held when rendering outpaces the disk. */
const IN_FLIGHT = 8;

/**
 * A writer of many small files of one {@link OwnedTree} through one worker thread. `write` checks
 * the file's folders (made when missing, refused when a link: `tree.folder`), queues the file and
 * resolves once the queue has room; every file replaces whatever is at its name (temporary file and
 * rename, never through a link); `close` writes what is queued, waits for every
 * file and ends the worker. The worker starts with the first full batch (`BATCH` files); when
 * `close` comes first, the few files queued are written on the main thread and no thread is started.
 * The first failed write rejects every later `write` and `close` with an Error naming the file and
 * the system error code.
 */
export class PageWriter {
  #worker: Worker | null = null;
  #batch: Array<[string, string]> = [];
  #inFlight = 0;
  #failure: Error | null = null;
  #waiters: Array<() => void> = [];
  readonly #tree: OwnedTree;

  constructor(tree: OwnedTree) {
    this.#tree = tree;
  }

  /** Whether a worker thread was started (false while every file fitted in one batch). */
  get threaded(): boolean {
    return this.#worker !== null;
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }); // plain node: no loader hooks of the parent (tsx)
    worker.on('message', (m: { done?: number; error?: string; code?: string | null; file?: string | null }) => {
      this.#inFlight--;
      if (m.error !== undefined) this.#fail(m.file ?? null, m.error, m.code ?? null);
      this.#wake();
    });
    const lost = (e: Error) => {
      this.#failure ??= e;
      this.#inFlight = 0;
      this.#wake();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (this.#inFlight > 0) lost(new Error(`the report's page writer ended (exit code ${code}) before writing every page`));
    });
    return worker;
  }

  /** Keeps the first failure: `cannot write <file>: <message>`, with the system error code. */
  #fail(file: string | null, message: string, code: string | null): void {
    this.#failure ??= Object.assign(new Error(`cannot write ${file ?? 'a report page'}: ${message}`), { code: code ?? undefined });
  }

  /** The queued files written here, one after another, as the worker would. */
  async #writeHere(): Promise<void> {
    for (const [f, text] of this.#batch.splice(0)) {
      try {
        await this.#tree.write(f, text);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        this.#fail(f, String(err?.message ?? err), err?.code ?? null);
        return;
      }
    }
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  async #room(limit: number): Promise<void> {
    while (!this.#failure && this.#inFlight > limit) await new Promise<void>((r) => this.#waiters.push(r));
    if (this.#failure) throw this.#failure;
  }

  #send(): void {
    if (!this.#batch.length) return;
    this.#inFlight++;
    (this.#worker ??= this.#start()).postMessage(this.#batch);
    this.#batch = [];
  }

  /** Queues `text` (UTF-8) to be written to `file`. */
  async write(file: string, text: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    await this.#tree.folder(dirname(file));
    this.#batch.push([file, text]);
    if (this.#batch.length >= BATCH) {
      this.#send();
      await this.#room(IN_FLIGHT - 1);
    }
  }

  /** Writes the rest, waits until every file is written, and ends the worker (also after a failure). */
  async close(): Promise<void> {
    try {
      if (!this.#failure) {
        if (this.#worker) this.#send();
        else await this.#writeHere();
      }
      await this.#room(0);
    } finally {
      await this.#worker?.terminate();
    }
  }
}
