// The cost forecast of a run before it starts (`fixbench run --dry-run`): expected tokens and USD per
// contender and in total, from stored attempts of the same tasks and models re-priced at today's sheet,
// else from a stated per-attempt token prior. Pure: history and a pricing function in, figures out.
import { addUsage, promptTokens, zeroUsage, type TokenUsage } from '../core/usage.ts';
import { cascadeEstimate, escalationShares, routeEstimate, type Estimate, type RoutePolicy } from './forecast-layered.ts';

/** One stored attempt as the forecast reads it. */
export interface HistoryAttempt {
  instanceId: string;
  /** Catalog model id the attempt drove; a step route's id; a live cascade's stage model ids joined by `>`. */
  model: string;
  /** Agent id (`bash` for the built-in agent). */
  agent: string;
  /** Tokens of every billed call of the attempt. */
  usage: TokenUsage;
  /** Billed calls. */
  calls: number;
  /** USD at list price as stored (null = unknown); used only where tokens cannot be re-priced (a router, a step route). */
  listUsd?: number | null;
  /** Whether the attempt was resolved (a proxy for a cascade stage's escalation share). */
  resolved?: boolean;
  /** A live cascade attempt's stages: each re-priced at its own model's row; `passed` false = it escalated. */
  stages?: { model: string; agent: string; usage: TokenUsage; calls: number; passed: boolean | null }[];
}

/**
 * A contender of the planned run; `model` null for the reference agents (no model calls, cost 0).
 * `cascade` (a live cascade, `model` its stage ids joined by `>`) and `route` (a step route, `model`
 * its id) say how to forecast it from its parts' history when it has none of its own.
 */
export interface PlannedContender {
  id: string;
  model: string | null;
  agent: string;
  cascade?: { stages: { model: string; agent: string }[] };
  route?: RoutePolicy;
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
   * How each task's figure was found: `task` = the mean of stored attempts of this contender on that
   * task; `model` = this contender's mean over its other stored tasks; `prior` = {@link TokenPrior};
   * `parts` = a cascade's stage models or a route's two models (see `assumption`).
   */
  basis: { task: number; model: number; prior: number; parts: number };
  /** Stored attempts read for this contender (its own, not its parts'). */
  samples: number;
  /** The assumption behind `parts` figures, or a router's stored-USD basis; null when none. */
  assumption: string | null;
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
 * usage, calls and USD of the stored attempts of the same contender (model or route or cascade id,
 * and agent) on that task; else its mean per attempt over its other tasks; else, for a cascade or a
 * route, the estimate from its parts (src/analysis/forecast-layered.ts); else `prior`. Each stored
 * attempt is priced by `price` (a stored run's old USD never counts: tokens are re-priced; a cascade
 * stage at its own model), except for the ids in `storedUsd` (router entries and step routes: their
 * calls are priced per reply or per step, so the stored list USD counts). O(history + contenders × tasks).
 */
export function forecastRun(input: {
  tasks: readonly string[];
  contenders: readonly PlannedContender[];
  attemptsPerTask: number;
  history: readonly HistoryAttempt[];
  price: PriceUsage;
  prior?: TokenPrior;
  storedUsd?: ReadonlySet<string>;
}): Forecast {
  const prior = input.prior ?? DEFAULT_PRIOR;
  const storedUsd = input.storedUsd ?? new Set<string>();
  const usdOf = (h: HistoryAttempt): number | null => {
    if (h.stages) {
      let sum: number | null = 0;
      for (const st of h.stages) {
        const u = input.price(st.model, st.usage, st.calls);
        sum = sum === null || u === null ? null : sum + u;
      }
      return sum;
    }
    return storedUsd.has(h.model) ? (h.listUsd ?? null) : input.price(h.model, h.usage, h.calls);
  };
  const byKey = new Map<string, { perTask: Map<string, Acc>; all: Acc }>();
  for (const h of input.history) {
    const key = `${h.model}\u0000${h.agent}`;
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { perTask: new Map(), all: acc() }));
    let t = e.perTask.get(h.instanceId);
    if (!t) e.perTask.set(h.instanceId, (t = acc()));
    const usd = usdOf(h);
    add(t, h, usd);
    add(e.all, h, usd);
  }
  const priorUsage: TokenUsage = { ...zeroUsage(), input_uncached: prior.promptTokens, output: prior.outputTokens };
  const fromAcc = (a: Acc, basis: 'task' | 'model'): Estimate => ({ promptTokens: promptTokens(a.usage) / a.n, outputTokens: a.usage.output / a.n, calls: a.calls / a.n, usd: a.usd === null ? null : a.usd / a.n, basis, usesPrior: false });
  const est = (model: string, agent: string, task: string): Estimate => {
    const e = byKey.get(`${model}\u0000${agent}`);
    const t = e?.perTask.get(task);
    if (t) return fromAcc(t, 'task');
    if (e) return fromAcc(e.all, 'model');
    const usd = storedUsd.has(model) ? null : input.price(model, priorUsage, prior.calls);
    return { promptTokens: prior.promptTokens, outputTokens: prior.outputTokens, calls: prior.calls, usd, basis: 'prior', usesPrior: true };
  };
  const shareOf = escalationShares(input.history);
  let usesPrior = false;
  const contenders = input.contenders.map((c): ContenderForecast => {
    const out: ContenderForecast = { id: c.id, model: c.model, attempts: input.tasks.length * input.attemptsPerTask, promptTokens: 0, outputTokens: 0, calls: 0, usd: 0, basis: { task: 0, model: 0, prior: 0, parts: 0 }, samples: 0, assumption: null };
    if (c.model === null) return out;
    const own = byKey.get(`${c.model}\u0000${c.agent}`);
    out.samples = own?.all.n ?? 0;
    if (own && storedUsd.has(c.model) && !c.route) out.assumption = 'a router entry: USD as stored (each reply priced at the model that served it), not re-priced';
    if (!own && storedUsd.has(c.model) && !c.route) out.assumption = 'a router entry with no stored attempt: which models will serve it is unknown, so its USD is unknown';
    for (const t of input.tasks) {
      let e: Estimate;
      if (!own && c.cascade) ({ estimate: e, assumption: out.assumption } = cascadeEstimate(c.cascade.stages, t, est, shareOf));
      else if (!own && c.route) ({ estimate: e, assumption: out.assumption } = routeEstimate(c.route, t, est));
      else e = est(c.model, c.agent, t);
      out.basis[e.basis] += 1;
      usesPrior ||= e.usesPrior;
      const k = input.attemptsPerTask;
      out.promptTokens += k * e.promptTokens;
      out.outputTokens += k * e.outputTokens;
      out.calls += k * e.calls;
      out.usd = out.usd === null || e.usd === null ? null : out.usd + k * e.usd;
    }
    return out;
  });
  const total = contenders.reduce(
    (s, c) => ({ attempts: s.attempts + c.attempts, promptTokens: s.promptTokens + c.promptTokens, outputTokens: s.outputTokens + c.outputTokens, calls: s.calls + c.calls, usd: s.usd === null || c.usd === null ? null : s.usd + c.usd }),
    { attempts: 0, promptTokens: 0, outputTokens: 0, calls: 0, usd: 0 as number | null },
  );
  return { contenders, total, usesPrior };
}

/** Running sums of an attempt group's usage, calls and USD (null once any USD is unknown). */
interface Acc {
  usage: TokenUsage;
  calls: number;
  usd: number | null;
  n: number;
}
const acc = (): Acc => ({ usage: zeroUsage(), calls: 0, usd: 0, n: 0 });
function add(a: Acc, h: HistoryAttempt, usd: number | null): void {
  a.usage = addUsage(a.usage, h.usage);
  a.calls += h.calls;
  a.usd = a.usd === null || usd === null ? null : a.usd + usd;
  a.n += 1;
}
