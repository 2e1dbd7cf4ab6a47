// Progress of `fixbench run` (DESIGN.md §10): on a terminal a cli-progress bar with attempts done,
// resolved so far, running USD and tokens, and ETA; elsewhere one plain line per finished attempt;
// with `--json` also one JSON object per event on stdout (JSON Lines) for scripts.
import { driftFlagged } from '../pricing/cost.ts';
import cliProgress from 'cli-progress';
import type { AttemptRecord } from '../store/records.ts';
import { formatUsd } from '../report/format.ts';
import { promptTokens } from '../core/usage.ts';
import { clipAtWord } from '../core/truncate.ts';

/** One line per finished attempt for logs and non-terminal output: `[done/total] <contender> <task>#<k>: <outcome> <USD> <tokens> tok <s>s`; a predictions file's attempt says its tokens and cost are not known. */
export function progressLine(r: AttemptRecord, done: number, total: number): string {
  const drift = driftFlagged(r.cost_drift ?? null) ? ` (provider billed ${formatUsd(r.billed_usd)}, ${r.cost_drift! > 0 ? '+' : ''}${(r.cost_drift! * 100).toFixed(0)}% vs list)` : '';
  // a predictions file (`fixbench eval`) carries patches only: its tokens and cost were never seen
  const cost = r.agent === 'predictions' ? '; tokens and cost not known (a predictions file)' : r.agent !== 'gold' && r.agent !== 'noop' ? ` ${formatUsd(r.list_usd)}${drift} ${promptTokens(r.usage) + r.usage.output} tok` : '';
  return `[${done}/${total}] ${r.contender} ${r.instance_id}#${r.attempt}: ${r.outcome}${cost} ${(r.wall_ms / 1000).toFixed(1)}s${r.error ? ` (${clipAtWord(r.error.message.split('\n')[0]!, 160)})` : ''}`;
}

/** Running totals of a run's records: attempts, resolved, USD at list price (null parts skipped), tokens. */
export interface Tally {
  done: number;
  resolved: number;
  usd: number;
  /** Attempts whose cost is unknown (a call had no price): not in `usd`. */
  unpriced: number;
  tokens: number;
}

function add(t: Tally, r: Pick<AttemptRecord, 'outcome' | 'list_usd' | 'usage'>): void {
  t.done++;
  if (r.outcome === 'resolved') t.resolved++;
  if (r.list_usd === null) t.unpriced++;
  else t.usd += r.list_usd;
  t.tokens += promptTokens(r.usage) + r.usage.output;
}

export interface ProgressOptions {
  /** Where the bar or lines go (default process.stderr). A stream with `isTTY` gets the bar. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where `--json` events go (default process.stdout); null = no JSON events. */
  json?: NodeJS.WritableStream | null;
}

/** Progress display of one run. Call `start`, then `attempt` per finished attempt, then `stop`. */
export class Progress {
  readonly tally: Tally = { done: 0, resolved: 0, usd: 0, unpriced: 0, tokens: 0 };
  private total = 0;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly json: NodeJS.WritableStream | null;
  private multi: cliProgress.MultiBar | null = null;
  private bar: cliProgress.SingleBar | null = null;

  constructor(opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.json = opts.json === undefined ? process.stdout : opts.json;
  }

  /** `done`: records the run already holds (resume); they count as done but took no time now. */
  start(total: number, done: readonly Pick<AttemptRecord, 'outcome' | 'list_usd' | 'usage'>[]): void {
    this.total = total;
    for (const r of done) add(this.tally, r);
    this.emit({ type: 'start', total, already_done: done.length });
    if (this.stream.isTTY) {
      this.multi = new cliProgress.MultiBar(
        {
          stream: this.stream,
          format: '{bar} {value}/{total} attempts | resolved {resolved} | {usd} | {tokens} tok | ETA {eta_formatted}',
          hideCursor: false,
          clearOnComplete: false,
          etaBuffer: 20,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar = this.multi.create(total, this.tally.done, this.payload());
    } else if (done.length) {
      this.line(`resuming: ${done.length} of ${total} attempt(s) already recorded`);
    }
  }

  attempt(r: AttemptRecord): void {
    add(this.tally, r);
    this.emit({
      type: 'attempt', done: this.tally.done, total: this.total, key: r.key, model: r.contender, instance_id: r.instance_id, attempt: r.attempt,
      outcome: r.outcome, list_usd: r.list_usd, tokens: promptTokens(r.usage) + r.usage.output, wall_ms: r.wall_ms, env_cache: r.env_cache ?? null, error: r.error,
      resolved_so_far: this.tally.resolved, usd_so_far: this.tally.usd,
    });
    if (this.bar) {
      this.bar.update(this.tally.done, this.payload());
      // Failures the user should see now are printed above the bar.
      if (r.outcome === 'infra_error') this.multi!.log(progressLine(r, this.tally.done, this.total) + '\n');
    } else {
      this.line(progressLine(r, this.tally.done, this.total));
    }
  }

  /** A message above the bar (or a plain line). */
  line(s: string): void {
    if (this.multi) this.multi.log(s + '\n');
    else this.stream.write(s + '\n');
  }

  stop(): void {
    this.multi?.stop();
    this.multi = null;
    this.bar = null;
  }

  /** A `--json` event (one line of JSON). */
  emit(event: Record<string, unknown>): void {
    this.json?.write(JSON.stringify(event) + '\n');
  }

  private payload(): Record<string, string> {
    const t = this.tally;
    return { resolved: String(t.resolved), usd: formatUsd(t.usd) + (t.unpriced ? ` (+${t.unpriced} unpriced)` : ''), tokens: t.tokens.toLocaleString('en-US') };
  }
}
