// The I/O-bound bench's view of a run from the fake provider's side: when each model call arrived,
// how many waited at once, when each attempt's model loop ended, and how long fixbench took between
// a reply and the same attempt's next call. Pure (times in ms).

/** One model call as the provider saw it: arrival time (ms since the epoch) and the attempt's turn (0-based: assistant messages before it). */
export interface CallArrival {
  at: number;
  turn: number;
  /** Index in the same list of this attempt's previous call (the one whose reply this call answers), when known. */
  after?: number;
}

/** Arrivals of one turn of every attempt, relative to the run's start (ms). */
export interface TurnSpread {
  turn: number;
  calls: number;
  first: number;
  last: number;
  /**
   * fixbench's turnaround into this turn (ms): from the reply to each attempt's previous call
   * (its arrival + latency) to this call's arrival, median and largest; null for the first turn
   * or when no call names its previous one.
   */
  gap: { median: number; max: number } | null;
}

export interface IoTimeline {
  /** Per turn (0 … callsPerAttempt − 1): how many calls, first and last arrival after the start. */
  turns: TurnSpread[];
  /** Most calls waiting on the provider at once (each waits `latencyMs` from its arrival). */
  maxInFlight: number;
  /** Attempts whose model loop ended: one per call of the last turn. */
  loopsEnded: number;
  /** From the start to the reply of the last call of the last turn (ms): the agent phase. */
  agentPhaseMs: number;
  /** From the start to the first reply of the last turn (ms): when grading can first begin. */
  firstLoopEndMs: number;
}

/**
 * The timeline of `calls` for a run that started at `startMs`, whose provider answers each call
 * `latencyMs` after it arrives and whose attempts make `callsPerAttempt` calls each (the last turn
 * ends an attempt's model loop).
 * @throws RangeError when no call of the last turn arrived (no attempt finished its model loop).
 */
export function ioTimeline(calls: readonly CallArrival[], startMs: number, latencyMs: number, callsPerAttempt: number): IoTimeline {
  const turns: TurnSpread[] = [];
  for (let turn = 0; turn < callsPerAttempt; turn++) {
    const of = calls.filter((c) => c.turn === turn);
    const at = of.map((c) => c.at - startMs);
    const gaps = of.flatMap((c) => (c.after === undefined || !calls[c.after] ? [] : [c.at - (calls[c.after]!.at + latencyMs)])).sort((a, b) => a - b);
    const gap = gaps.length ? { median: gaps[Math.floor((gaps.length - 1) / 2)]!, max: gaps.at(-1)! } : null;
    if (at.length) turns.push({ turn, calls: at.length, first: Math.min(...at), last: Math.max(...at), gap });
  }
  const last = turns.find((t) => t.turn === callsPerAttempt - 1);
  if (!last) throw new RangeError(`no call of turn ${callsPerAttempt} arrived: no attempt finished its model loop`);
  // Sweep the arrivals and replies in time order; a reply at the same instant as an arrival frees its slot first.
  const events = calls.flatMap((c) => [{ t: c.at, d: 1 }, { t: c.at + latencyMs, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let maxInFlight = 0;
  for (const e of events) maxInFlight = Math.max(maxInFlight, (now += e.d));
  return { turns, maxInFlight, loopsEnded: last.calls, agentPhaseMs: last.last + latencyMs, firstLoopEndMs: last.first + latencyMs };
}
