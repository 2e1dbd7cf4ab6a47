// The report's first block: the answer (best value, most accurate, cheapest close to it, best
// cascade) as display strings and plain sentences. Pure: numbers of {@link answer} in, text out.
import { ANSWER_ALPHA, type Answer, type Judged } from '../analysis/answer.ts';
import { formatP } from './analysis-view.ts';
import { formatPct, formatUsd } from './format.ts';
import { madeUpTag } from '../pricing/illustrative.ts';

/** One pick of the answer block. */
export interface AnswerCard {
  /** What the pick is ("Best value", "Most accurate", …). */
  role: string;
  /** Contender id or cascade label ("a → b"). */
  name: string;
  /** "45.0% resolved (95% CI 38.2–51.9%)". */
  rate: string;
  /** "$0.123 per task". */
  usd: string;
  /** One plain sentence on why it is picked, or on what it saves. */
  why: string;
}

export interface AnswerView {
  /** The picks, in reading order; empty when the run has no model. */
  cards: AnswerCard[];
  /** Plain sentences: what the tests cannot tell apart, the basis, what was left out. */
  notes: string[];
  /** Shown instead of cards when there is nothing to choose from. */
  empty: string | null;
}

/** The ways on without a provider key, as the report's answer block says them (the CLI's line: noKeyHint in src/cli/common.ts). A report is read later, away from the shell that made it, so its commands are written `npx fixbench …`, the README's convention. */
export const NO_KEY_SENTENCE = 'No key? npx fixbench run --dry-run forecasts the cost; npm run fake-provider in the clone serves a scripted model for a whole run offline, then FAKE_PROVIDER_KEY=dummy npx fixbench run --models-file examples/fake-provider/models.yaml --prices examples/fake-provider/prices.yaml runs against it (the README\'s "Trying a model run without a key"); to run a local model see the README\'s "A local model"; or grade a predictions file with npx fixbench eval --predictions <file>.';

const interval = (j: Judged): string => (j.interval ? `95% CI ${(j.interval.low * 100).toFixed(1)}–${(j.interval.high * 100).toFixed(1)}%` : 'no interval');
const rateText = (j: Judged): string => `${formatPct(j.rate)} resolved (${j.resolved}/${j.tasks}; ${interval(j)})`;
const usdText = (j: Judged): string => (j.usdPerTask === null ? 'USD unknown (no price)' : `${formatUsd(j.usdPerTask)} per task`);
const list = (ids: string[]): string => (ids.length <= 1 ? ids.join('') : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`);

function card(role: string, j: Judged, why: string, name: string = j.id): AnswerCard {
  return { role, name, rate: rateText(j), usd: usdText(j), why };
}

/**
 * The answer block's sentence for a run no model took part in: what to do next first (set the key,
 * run again), then which models were skipped and why (`skipped`: the run header's list), then the
 * ways on without a key (`NO_KEY_SENTENCE`).
 */
export function noModelText(skipped: readonly { id: string; reason: string }[]): string {
  const vars = [...new Set(skipped.flatMap((s) => /^([A-Z][A-Z0-9_]*) is not set/.exec(s.reason)?.[1] ?? []))];
  const fix = vars.length
    ? `Set ${list(vars)} and run again (npm start in the clone, or npx fixbench run) to compare models; this run skipped ${list(skipped.map((s) => s.id))} (see "Skipped contenders" below).`
    : 'Set OPENROUTER_API_KEY (the key of the bundled models) and run models (npm start in the clone, or npx fixbench run) to compare them.';
  return `No model took part in this run (only reference agents): nothing to choose between. ${fix} ${NO_KEY_SENTENCE}`;
}

/**
 * The answer block of a report. `sheet`: the run's price sheet (header `price_sheet`): its date, the
 * USD figures being at its prices, and whether they are made up ({@link madeUpTag}).
 * Sentences say "not significant" where the paired McNemar test with Holm's adjustment cannot tell
 * two picks apart at α = 0.05, so a reader does not pay for a difference that may be noise.
 * `skipped` (the run header's skipped models) feeds the sentence of a run with no model.
 */
export function answerView(a: Answer, sheet: { as_of: string; illustrative?: boolean }, skipped: readonly { id: string; reason: string }[] = []): AnswerView {
  if (a.models.length === 0 || a.mostAccurate === null) return { cards: [], notes: [], empty: noModelText(skipped) };
  const cards: AnswerCard[] = [];
  const notes: string[] = [];
  const best = a.mostAccurate;
  const pp = Math.round(a.nearBestPp * 100);

  if (a.bestValue) {
    const free = a.bestValue.usdPerTask === 0;
    const v = a.bestValue.rate !== null && a.bestValue.usdPerTask ? a.bestValue.rate / a.bestValue.usdPerTask : null;
    const perDollar = v === null ? '—' : v >= 100 ? String(Math.round(v)) : v.toFixed(1);
    cards.push(card('Best value', a.bestValue, free ? 'On the price–accuracy frontier and free at list price ($0 per task): no paid model resolves more per dollar.' : `On the price–accuracy frontier, the most tasks resolved per dollar (${perDollar} per $1 of attempts).`));
  }
  cards.push(card('Most accurate', best, a.tiedWithBest.length ? `Highest rate, but not significantly above ${list(a.tiedWithBest.map((t) => t.id))}.` : a.models.length > 1 ? 'Highest rate, significantly above every other model.' : 'The only model of the run.'));
  if (a.cheapestNearBest) {
    const same = a.cheapestNearBest.id === best.id;
    cards.push(
      card(
        `Cheapest within ${pp} points of the best`,
        a.cheapestNearBest,
        same
          ? `No cheaper model comes within ${pp} percentage points of ${best.id}.`
          : `${a.nearVsBestP !== null && a.nearVsBestP > ANSWER_ALPHA ? 'Not significantly below' : 'Within ' + pp + ' points of'} ${best.id}${best.usdPerTask && a.cheapestNearBest.usdPerTask !== null ? `, at ${Math.round((1 - a.cheapestNearBest.usdPerTask / best.usdPerTask) * 100)}% less per task` : ''}.`,
      ),
    );
  }
  const c = a.bestCascade;
  if (c) {
    const saving = c.saving === null ? 'its saving is unknown' : c.saving >= 0 ? `saves ${Math.round(c.saving * 100)}% per task against ${c.second} alone` : `costs ${Math.round(-c.saving * 100)}% more per task than ${c.second} alone`;
    const diff = c.rateDiff === null ? '' : ` (${c.rateDiff >= 0 ? '+' : '−'}${Math.abs(c.rateDiff * 100).toFixed(1)} points${c.p > ANSWER_ALPHA ? ', not significant' : ''}, McNemar p = ${formatP(c.p)})`;
    cards.push(card('Best layered setup', c, `Run ${c.first} first; when its visible tests fail, hand the task to ${c.second}: ${saving}${diff}.`, `${c.first} → ${c.second}`));
  } else if (a.cascadesConsidered > 0) {
    notes.push(`None of the ${a.cascadesConsidered} two-model cascades beats picking one model at its price.`);
  }

  if (a.bestValue && a.bestValue.id !== best.id && a.valueVsBestP !== null) {
    notes.push(
      a.valueVsBestP > ANSWER_ALPHA
        ? `The difference between ${a.bestValue.id} (best value) and ${best.id} (most accurate) is not significant (McNemar, Holm-adjusted p = ${formatP(a.valueVsBestP)}): on this run the cheaper one is as good a choice.`
        : `${best.id} resolves significantly more than ${a.bestValue.id} (McNemar, Holm-adjusted p = ${formatP(a.valueVsBestP)}): the extra cost buys accuracy.`,
    );
  }
  if (a.tiedWithBest.length) {
    notes.push(`Differences between ${best.id} and ${list(a.tiedWithBest.map((t) => t.id))} are not significant (McNemar, Holm-adjusted p > ${ANSWER_ALPHA}); more tasks would be needed to rank them.`);
  }
  notes.push(
    `Rates and USD are on ${a.attemptsPerTask > 1 ? 'first attempts (attempt 0 of each task), the basis cascades are played on; the leaderboard pools all attempts' : 'one attempt per task'}; USD at list prices as of ${sheet.as_of}${madeUpTag(sheet)}.`,
  );
  if (a.unpriced.length) notes.push(`No price for ${list(a.unpriced)}: left out of value and cascades.`);
  return { cards, notes, empty: null };
}
