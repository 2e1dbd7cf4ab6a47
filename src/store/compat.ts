// Resume and merge (DESIGN.md §7, docs/run-config.md): a stored run may be continued, or joined
// with another shard, only under the configuration that made its attempt keys. Pure.
import { configDiff } from '../config/run-config-diff.ts';
import { runConfigHash } from '../config/run-config.ts';
import type { RunHeader } from './records.ts';

/** True for a run.json written before RunConfig: it is compared on its header fields only. */
export const predatesRunConfig = (h: RunHeader): boolean => h.config === undefined;

/**
 * The comparable configuration of a run without a RunConfig, from its header: contenders (id,
 * agent, upstream model, price row), limits, attempts per task, `rerun_failed` and price sheet file.
 * Model params, base URLs and agent commands were not recorded then, so they cannot be compared.
 */
export function legacyConfigView(h: RunHeader): Record<string, unknown> {
  return {
    contenders: h.contenders.map((c) => ({ id: c.id, agent: c.agent, upstream: c.upstream, price: c.price })),
    limits: { ...h.limits, run_budget_tokens: h.limits.run_budget_tokens ?? null },
    attempts_per_task: h.attempts_per_task,
    rerun_failed: h.rerun_failed,
    price_sheet: { file: h.price_sheet.file },
  };
}

/**
 * Differences between a stored run header and the header a resume (or another shard) would write,
 * one line per differing field, `path: stored → now` (e.g. `config.contenders[gpt-x].model.params.temperature: 0 → 1`);
 * empty when the run may be resumed. Compared: store format version, task suite (hash and ids),
 * shard, sandbox kind (`--sandbox`: bwrap and local attempts are not comparable), and the whole
 * RunConfig — values in full, and its canonical hash: differing hashes are refused even when no
 * field line comes out — or, when the stored run predates RunConfig, `legacyConfigView` of both
 * headers (the last line then says so). The harness version is not compared (see `harnessChange`).
 */
export function resumeMismatches(stored: RunHeader, now: RunHeader): string[] {
  const frame = (h: RunHeader) => ({ format_version: h.format_version, suite: h.suite, shard: h.shard ?? null, sandbox: h.sandbox });
  const out = configDiff(frame(stored), frame(now));
  if (stored.config && now.config) {
    const fields = configDiff(stored.config, now.config, 'config');
    const [a, b] = [runConfigHash(stored.config), runConfigHash(now.config)];
    return [...out, ...(fields.length || a === b ? fields : [`config: configuration hash ${a} → ${b} (a difference no field line shows)`])];
  }
  if (!stored.config && !now.config) return [...out, ...configDiff(legacyConfigView(stored), legacyConfigView(now))];
  const legacy = configDiff(legacyConfigView(stored), legacyConfigView(now));
  const which = stored.config ? 'the other run' : `run ${stored.run_id}`;
  return [...out, ...legacy, ...(out.length || legacy.length ? [`(${which} predates RunConfig: compared on contenders, limits, attempts and price sheet file only)`] : [])];
}

/**
 * A warning when `now` runs another fixbench version than `stored` (a resume, or one shard against
 * the first), else null. Not a refusal: the RunConfig decides what an attempt means; a new version
 * may still grade or prompt differently, so the run records it and the user is told.
 */
export function harnessChange(stored: RunHeader, now: RunHeader): string | null {
  const [a, b] = [stored.harness, now.harness];
  if (a.version === b.version && a.commit === b.commit) return null;
  const show = (h: RunHeader['harness']) => `${h.version}${h.commit ? ` (${h.commit.slice(0, 12)})` : ''}`;
  return `run ${stored.run_id} was written by fixbench ${show(a)}, this is fixbench ${show(b)}; attempts of one run may differ in grading or prompts across versions`;
}

/** The message refusing a resume of `dir`: one `resumeMismatches` line each, then the fix. */
export function resumeRefusal(dir: string, problems: readonly string[]): string {
  return `cannot resume ${dir}: its configuration differs from this one (stored → now):\n  ${problems.join('\n  ')}\n  fix: resume with the tasks, models.yaml, price sheet and flags of the original run, or start a new run`;
}
