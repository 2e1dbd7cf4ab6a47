// The attempt pipeline of a run (issue 18, "no serial section in between"): an attempt makes its
// workspace, runs its agent, extracts and applies its patch while the attempt before it runs its
// tests. Two FIFO stages of `concurrency` places each: a preparation place from the attempt's start
// until its tests start, then a test place until its record is appended.

/** A FIFO counting semaphore of `size` places. */
export class Places {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, Math.floor(size));
  }

  /** Resolves once a place is taken (first come, first served). */
  take(): Promise<void> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives a place back: to the longest waiter, if any. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** What an attempt calls when its tests are about to start: resolves once it holds a test place. Idempotent; never rejects. */
export type EnterTests = () => Promise<void>;

/**
 * Whether a run pipelines its attempts (`AttemptStages`): only when the test pool can hold a grading
 * of every attempt in flight at once (`test >= 2 × attempts`), so an attempt waiting for a test place
 * inside its grading's test slot can never keep one that an attempt holding a test place needs for a
 * re-run (`--rerun-failed`): no wait cycle. Otherwise attempts run one stage, as one pool.
 */
export function pipelines(sizes: { attempts: number; test: number }): boolean {
  return sizes.test >= 2 * Math.max(1, sizes.attempts);
}

/**
 * The run's attempt places. `run(work)` takes a preparation place, then runs `work(enterTests)`;
 * `enterTests()` (called right before the attempt's tests, and again by the runner before it
 * appends the record: a repeat returns the first call's promise) waits for a test place, then frees
 * the preparation place for the next attempt. Both places are given back when `work` settles.
 * So at most `attempts` attempts prepare and at most `attempts` are past their tests' start at any
 * time; attempts start in job order, and with one place each, the next attempt's tests (and its
 * record) come only after this one's record is appended. Not pipelined (`pipelined` false): one
 * place per attempt from its start to its end, as a plain pool; `enterTests` resolves at once.
 */
export class AttemptStages {
  private readonly prepare: Places;
  private readonly testing: Places | null;

  constructor(attempts: number, pipelined: boolean) {
    this.prepare = new Places(attempts);
    this.testing = pipelined ? new Places(attempts) : null;
  }

  /** Runs `work` in its places (see the class); returns or throws what `work` does. */
  async run<T>(work: (enterTests: EnterTests) => Promise<T>): Promise<T> {
    await this.prepare.take();
    const testing = this.testing;
    let entering: Promise<void> | null = null;
    const enterTests: EnterTests = () => (entering ??= testing ? testing.take().then(() => this.prepare.give()) : Promise.resolve());
    try {
      return await work(enterTests);
    } finally {
      if (testing && entering) {
        await entering;
        testing.give();
      } else this.prepare.give();
    }
  }
}
