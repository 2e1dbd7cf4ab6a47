// The cost forecast of a run before it starts (`fixbench run --dry-run`): expected tokens and USD per
// contender and in total, from stored attempts of the same tasks and models re-priced at today's sheet,
// else from a stated per-attempt token prior. Pure: history and a pricing function in, figures out.
import { addUsage, promptTokens, zeroUsage, type TokenUsage } from '../core/usage.ts';

/** One stored attempt as the forecast reads it. */
export interface HistoryAttempt {
  instanceId: string;
  /** Catalog model id the attempt drove. */
  model: string;
  /** Agent id (`bash` for the built-in agent). */
  agent: string;
  /** Tokens of every billed call of the attempt. */
  usage: TokenUsage;
  /** Billed calls. */
  calls: number;
}

/** A contender of the planned run; `model` null for the reference agents (no model calls, cost 0). */
export interface PlannedContender {
  id: string;
  model: string | null;
  agent: string;
}

/** Tokens per attempt assumed for a model with no history, and where the figure comes from. */
export interface TokenPrior {
  /** Prompt tokens per attempt (priced as uncached input: no cache reads assumed). */
  promptTokens: number;
  outputTokens: number;
  /** Model calls per attempt. */
  calls: number;
  /** The figure's source, printed beside any forecast that uses it. */
  source: string;
}

/**
 * The prior used without history: 250,000 prompt and 30,000 output tokens per attempt, the rough
 * average of published agent traces on SWE-bench Verified that the "$/solve" leaderboard
 * (https://holyai.me/solve-tax/) assumes per attempt; 40 calls (fixbench's default `--steps`).
 */
export const DEFAULT_PRIOR: TokenPrior = {
  promptTokens: 250_000,
  outputTokens: 30_000,
  calls: 40,
  source: '250k prompt + 30k output tokens per attempt: the rough average of published SWE-bench Verified agent traces, as assumed by https://holyai.me/solve-tax/',
};

/** USD of `usage` over `calls` calls of `model` at today's list price; null when the price is unknown. */
export type PriceUsage = (model: string, usage: TokenUsage, calls: number) => number | null;

/** The forecast of one contender. */
export interface ContenderForecast {
  id: string;
  model: string | null;
  /** Attempts the run would make: tasks × attempts per task. */
  attempts: number;
  promptTokens: number;
  outputTokens: number;
  /** Model calls. */
  calls: number;
  /** List USD at today's sheet; null when the model's price is unknown; 0 for reference agents. */
  usd: number | null;
  /**
   * How each task's figure was found: `task` = the mean of stored attempts of this model and agent on
   * that task; `model` = this model and agent's mean over its other stored tasks; `prior` = {@link TokenPrior}.
   */
  basis: { task: number; model: number; prior: number };
  /** Stored attempts read for this contender. */
  samples: number;
}

/** The forecast of a run. */
export interface Forecast {
  contenders: ContenderForecast[];
  total: { attempts: number; promptTokens: number; outputTokens: number; calls: number; usd: number | null };
  /** True when some task's figure is the prior (the CLI prints its source). */
  usesPrior: boolean;
}

/**
 * Forecasts a run of `tasks` × `contenders` × `attemptsPerTask`. Per contender and task, the mean
 * usage and calls of the stored attempts of the same model, agent and task; else the same model and
 * agent's mean per attempt over its other tasks; else `prior`. Each task's mean usage is priced by
 * `price` (so a stored run's old USD never counts: tokens are re-priced) and multiplied by the
 * attempts per task. O(history + contenders × tasks).
 */
export function forecastRun(input: { tasks: readonly string[]; contenders: readonly PlannedContender[]; attemptsPerTask: number; history: readonly HistoryAttempt[]; price: PriceUsage; prior?: TokenPrior }): Forecast {
  const prior = input.prior ?? DEFAULT_PRIOR;
  const byKey = new Map<string, { perTask: Map<string, Acc>; all: Acc }>();
  for (const h of input.history) {
    const key = `${h.model}\u0000${h.agent}`;
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { perTask: new Map(), all: acc() }));
    let t = e.perTask.get(h.instanceId);
    if (!t) e.perTask.set(h.instanceId, (t = acc()));
    add(t, h);
    add(e.all, h);
  }
  const priorUsage: TokenUsage = { ...zeroUsage(), input_uncached: prior.promptTokens, output: prior.outputTokens };
  let usesPrior = false;
  const contenders = input.contenders.map((c): ContenderForecast => {
    const out: ContenderForecast = { id: c.id, model: c.model, attempts: input.tasks.length * input.attemptsPerTask, promptTokens: 0, outputTokens: 0, calls: 0, usd: 0, basis: { task: 0, model: 0, prior: 0 }, samples: 0 };
    if (c.model === null) return out;
    const e = byKey.get(`${c.model}\u0000${c.agent}`);
    out.samples = e?.all.n ?? 0;
    for (const t of input.tasks) {
      const stats = e?.perTask.get(t);
      let usage: TokenUsage;
      let calls: number;
      if (stats) {
        out.basis.task += 1;
        ({ usage, calls } = mean(stats));
      } else if (e) {
        out.basis.model += 1;
        ({ usage, calls } = mean(e.all));
      } else {
        out.basis.prior += 1;
        usesPrior = true;
        usage = priorUsage;
        calls = prior.calls;
      }
      const k = input.attemptsPerTask;
      out.promptTokens += k * promptTokens(usage);
      out.outputTokens += k * usage.output;
      out.calls += k * calls;
      const usd = input.price(c.model, usage, calls);
      out.usd = out.usd === null || usd === null ? null : out.usd + k * usd;
    }
    return out;
  });
  const total = contenders.reduce(
    (s, c) => ({ attempts: s.attempts + c.attempts, promptTokens: s.promptTokens + c.promptTokens, outputTokens: s.outputTokens + c.outputTokens, calls: s.calls + c.calls, usd: s.usd === null || c.usd === null ? null : s.usd + c.usd }),
    { attempts: 0, promptTokens: 0, outputTokens: 0, calls: 0, usd: 0 as number | null },
  );
  return { contenders, total, usesPrior };
}

/** Running sums of usages (fractional after {@link mean}). */
interface Acc {
  usage: TokenUsage;
  calls: number;
  n: number;
}
const acc = (): Acc => ({ usage: zeroUsage(), calls: 0, n: 0 });
function add(a: Acc, h: HistoryAttempt): void {
  a.usage = addUsage(a.usage, h.usage);
  a.calls += h.calls;
  a.n += 1;
}
/** Field-wise mean usage and calls per attempt (token counts may be fractional). */
function mean(a: Acc): { usage: TokenUsage; calls: number } {
  const u = a.usage;
  const n = a.n;
  return {
    usage: { input_uncached: u.input_uncached / n, cache_read: u.cache_read / n, cache_write_5m: u.cache_write_5m / n, cache_write_1h: u.cache_write_1h / n, output: u.output / n, reasoning: u.reasoning / n },
    calls: a.calls / n,
  };
}
