// The bash agent's wall clock and its wait for a workspace still being made: the agent may send its
// first model call before the workspace exists (`AttemptContext.workspaceReady`); the wall-time
// limit counts from the moment it is made, as when the agent started after it.

/** Longest delay `setTimeout` honours (~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The attempt's wall clock. Starts at construction without `workspaceReady`, else when it resolves
 * (never when it rejects). `deadline` aborts `wallMs` after the start; `stop` ends it (call once, at
 * the attempt's end; a workspace made later then starts nothing).
 */
export class AttemptClock {
  /** When the clock started (ms of `now`); the construction time until then. */
  startMs: number;
  /** Whether the clock runs. */
  started = false;
  /** Whether the workspace is made. */
  made = false;
  /** Settles true once the workspace is made, false when it could not be. Never rejects. */
  readonly ready: Promise<boolean>;
  readonly #deadline = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    readonly now: () => number,
    readonly wallMs: number,
    workspaceReady?: Promise<void>,
  ) {
    this.startMs = now();
    const start = (at?: number): true => {
      this.made = true;
      if (this.#stopped) return true;
      this.startMs = at ?? this.now();
      this.started = true;
      this.#timer = setTimeout(() => this.#deadline.abort(new Error('wall time limit')), Math.min(Math.max(0, wallMs), MAX_TIMER_MS));
      this.#timer.unref?.();
      return true;
    };
    this.ready = workspaceReady ? workspaceReady.then(() => start(), () => false) : Promise.resolve(start(this.startMs));
  }

  /** Aborted when the wall time is over. */
  get deadline(): AbortSignal {
    return this.#deadline.signal;
  }

  /** Whether the wall time is over (false before the clock started). */
  over(): boolean {
    return this.started && this.now() - this.startMs >= this.wallMs;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Waits for the workspace: `made`, `failed` (it could not be made) or `aborted` (`signal` aborted first). */
  async workspace(signal?: AbortSignal): Promise<'made' | 'failed' | 'aborted'> {
    if (this.made) return 'made';
    let onAbort = () => {};
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    const got = await Promise.race([this.ready, aborted]).finally(() => signal?.removeEventListener('abort', onAbort));
    return got === 'aborted' ? got : got ? 'made' : 'failed';
  }
}
