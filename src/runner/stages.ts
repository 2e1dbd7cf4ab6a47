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

/** One attempt's hooks into its places (`AttemptStages.run`). */
export interface Stage {
  /** Right before the attempt's tests (and again before its record: a repeat returns the first call's promise). */
  enterTests: EnterTests;
  /**
   * The attempt's test commands are over (no re-run follows): its test place goes to the next
   * attempt now, while this one reads its results and writes its record. Once; a no-op before
   * `enterTests` has resolved or when not pipelined.
   */
  leaveTests: () => void;
  /** Resolves when the attempts that entered their tests before this one have been recorded (or given up); enters the tests first. Never rejects. */
  recordTurn: () => Promise<void>;
}

/**
 * Whether a run pipelines its attempts (`AttemptStages`): without re-runs (`--rerun-failed`), or
 * when the test pool can hold a grading of every attempt of both stages at once
 * (`test >= 2 × attempts`). Otherwise attempts run one stage, as one pool. (The rule dates from when
 * a grading waited for its test place inside a test-pool slot; since perf13 a grading takes a slot
 * only around its setup and test command (evaluate.ts `testSlot`), after its place, so no wait
 * cycle is possible either way: the rule is kept as it was, a narrower pipelining than needed.)
 */
export function pipelines(o: { attempts: number; test: number; rerunFailed: number }): boolean {
  return o.rerunFailed <= 0 || o.test >= 2 * Math.max(1, o.attempts);
}

/**
 * The run's attempt places. `run(work)` takes a preparation place, then runs `work(stage)`;
 * `stage.enterTests()` (right before the attempt's tests) waits for a test place, then frees the
 * preparation place for the next attempt; `stage.leaveTests()` gives the test place back once the
 * test commands are over; `stage.recordTurn()` (before the record is appended) waits, with one place, until the attempt
 * that entered its tests before this one has settled (with more places it waits for no one: records
 * in the order attempts finish, as before). The places still held are given back when `work`
 * settles. So at most `attempts` attempts prepare and at most `attempts` run test commands at any
 * time; attempts start in job order, and with one place each, tests never overlap and records come
 * in job order.
 * Not pipelined (`pipelined` false): one place per attempt from its start to its end, as a plain
 * pool; `enterTests` and `recordTurn` resolve at once (records in the order attempts finish).
 */
export class AttemptStages {
  private readonly prepare: Places;
  private readonly testing: Places | null;
  /** Settles when the attempt that last entered its tests has settled. */
  private lastSettled: Promise<void> = Promise.resolve();
  /** Records in test-entry order: with one place only (with more, in the order attempts finish, as a plain pool: no finished attempt waits on another's long tests). */
  private readonly ordered: boolean;

  constructor(attempts: number, pipelined: boolean) {
    this.prepare = new Places(attempts);
    this.testing = pipelined ? new Places(attempts) : null;
    this.ordered = pipelined && Math.max(1, Math.floor(attempts)) === 1;
  }

  /**
   * Runs `work` in its places (see the class); returns or throws what `work` does.
   * `o.untrusted`: the attempt's agent runs untrusted code (a model agent, a cascade, an external
   * agent CLI). With one place each (`--concurrency 1`), such an attempt takes its test place before
   * `work` starts and keeps its preparation place until `enterTests`: its agent never runs beside
   * another attempt's tests (the one before it has left them; the next one starts preparing only when
   * this one's tests start). With more places it is ignored: attempts share the machine.
   */
  async run<T>(work: (stage: Stage) => Promise<T>, o: { untrusted?: boolean } = {}): Promise<T> {
    await this.prepare.take();
    const testing = this.testing;
    let entering: Promise<void> | null = null;
    let held = false; // holds a test place
    let entered = false; // enterTests has resolved
    let turn: Promise<void> = Promise.resolve();
    let settle = () => {};
    const takePlace = () => testing!.take().then(() => void (held = true));
    // At one place, an untrusted agent waits until the tests before it are over (see above).
    const early = testing && this.ordered && o.untrusted ? takePlace() : null;
    try {
      if (early) await early;
      const enterTests: EnterTests = () =>
        (entering ??= testing
          ? (early ?? takePlace()).then(() => {
              entered = true;
              if (this.ordered) {
                turn = this.lastSettled;
                this.lastSettled = new Promise<void>((r) => (settle = r));
              }
              this.prepare.give();
            })
          : Promise.resolve());
      const leaveTests = () => {
        if (!entered || !held) return;
        held = false;
        testing!.give();
      };
      const recordTurn = () => enterTests().then(() => turn);
      try {
        return await work({ enterTests, leaveTests, recordTurn });
      } finally {
        if (testing && entering) {
          await entering;
          leaveTests();
          settle();
        }
      }
    } finally {
      if (!entering || !testing) {
        if (held) testing!.give();
        held = false;
        this.prepare.give();
      }
    }
  }
}
