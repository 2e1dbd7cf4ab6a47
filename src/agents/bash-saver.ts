// The bash agent's trajectory saves, written behind the loop: a step's document is handed to the
// store's sink a little later, off the path between a command's output and the next model call.
import type { Trajectory, TrajectorySink } from '../core/trajectory.ts';

/**
 * How long after a step the trajectory is written, milliseconds: the replies of many attempts tend
 * to arrive together, and their next model calls (the critical path) should have the event loop and
 * libuv's threads first; a model call takes longer than this, so the write lands while it waits.
 * Steps that end sooner are coalesced: the write takes the latest step's document.
 */
export const SAVE_DELAY_MS = 250;

/**
 * Write-behind saves of one attempt's trajectory. `later` keeps a document (a snapshot taken by
 * the caller: whole steps only) and writes it `delayMs` later, after the write in flight if any;
 * documents handed in meanwhile replace it, so at most one write is in flight and one waits, and
 * the file only ever holds the document of a finished step. `now` writes the final document,
 * after every earlier write. The first failed background write is kept in `error` (the agent ends
 * the attempt on it before its next model call) and is not retried.
 */
export class TrajectorySaver {
  #next: Trajectory | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** The write in flight (settled, never rejected), or a resolved promise. */
  #writing: Promise<void> = Promise.resolve();
  #error: Error | null = null;

  /** @param sink the store's sink (`AttemptContext.saveTrajectory`); without one nothing is written */
  constructor(
    readonly sink: TrajectorySink | undefined,
    readonly delayMs = SAVE_DELAY_MS,
  ) {}

  /** The first background write that failed, or null. */
  get error(): Error | null {
    return this.#error;
  }

  /** Writes `doc` `delayMs` from now (or from the first document still waiting), unless a later one replaces it. Never throws. */
  later(doc: Trajectory): void {
    if (!this.sink || this.#error) return;
    this.#next = doc;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#writing = this.#writing.then(() => this.#write());
    }, this.delayMs);
  }

  /**
   * Writes `doc` now, after the write in flight; a document waiting for its delay is dropped (this
   * one is later). Resolves when it is written.
   * @throws (rejects) with the sink's error for this document
   */
  async now(doc: Trajectory): Promise<void> {
    if (!this.sink) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#next = null;
    await this.#writing;
    await this.sink(doc);
  }

  async #write(): Promise<void> {
    const doc = this.#next;
    this.#next = null;
    if (!doc || this.#error) return;
    await this.sink!(doc).catch((e: unknown) => {
      this.#error ??= e instanceof Error ? e : new Error(String(e));
    });
  }
}
