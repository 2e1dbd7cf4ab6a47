// Attempt pages of a report: the attempt's record (outcome, cost, tests, patch) and, for model-driven
// agents, its trajectory (steps, commands, outputs, usage per step) read from the run's
// run folder through the store (src/store/trajectory.ts: either agent's format; a bad file is shown as
// a note, never fails the report). The view model is pure.
import { attemptImagesFacts } from './images-view.ts';
import { promptTokens } from '../core/usage.ts';
import type { AttemptRecord } from '../core/records.ts';
import { COMMAND_TRAJECTORY_FORMAT, trajectorySteps, type Trajectory } from '../core/trajectory.ts';
import type { TrajectoryRead } from '../store/trajectory.ts';
import { truncateOutput } from '../core/truncate.ts';
import { formatInt, formatMs, formatTokens, formatUsd } from './format.ts';
import type { StepSeries } from './analysis-view.ts';
import { attemptAnchor } from './paths.ts';
import type { Field } from './view-model.ts';

/** Characters of one text shown in full; longer ones show their head and tail (the agent truncates already; a report caps again). */
export const TEXT_CAP = 20_000;
/** Characters of a patch shown in full on an attempt page. */
export const PATCH_CAP = 100_000;

export type { TrajectoryRead };

/** Per-step series of a trajectory for the context-growth chart. */
export function stepSeriesOf(t: Trajectory): StepSeries {
  const withCall = trajectorySteps(t).filter((s) => s.call !== null || s.context_tokens > 0);
  return {
    contextTokens: withCall.map((s) => (s.context_tokens > 0 ? s.context_tokens : s.call ? promptTokens(s.call.usage) : 0)),
    stepUsd: withCall.map((s) => s.call?.list_usd ?? null),
  };
}

/** A long text, capped: the whole of it, or its head and tail with how much was left out. */
export interface CappedText {
  head: string;
  /** Characters left out between head and tail (0 = the text is whole). */
  elided: number;
  tail: string;
}

/** Caps `text` at `cap` characters: the first and last half of the cap, and the count elided between. */
export function capText(text: string, cap: number = TEXT_CAP): CappedText {
  const cut = truncateOutput(text, cap);
  return cut.truncated ? { head: cut.head, elided: cut.elidedChars, tail: cut.tail } : { head: text, elided: 0, tail: '' };
}

export interface StepView {
  n: number;
  thought: CappedText | null;
  command: CappedText | null;
  observation: CappedText | null;
  /** "12.3k in (4.0k cached) · 512 out · $0.0021 · 1.2 s", or "" for a step with no call. */
  usage: string;
  context: string;
}

/** Everything an attempt page (src/report/attempt-html.ts) shows: every attempt of one contender at one task (one matrix cell). */
export interface AttemptPageView {
  title: string;
  contender: string;
  instanceId: string;
  runId: string;
  /** Relative link back to the report's matrix. */
  back: string;
  /** One entry per attempt index; `anchor` null when that attempt was not run. */
  index: Array<{ attempt: number; anchor: string | null; outcome: string }>;
  attempts: AttemptView[];
}

/** One attempt on an attempts page. */
export interface AttemptView {
  attempt: number;
  anchor: string;
  outcome: string;
  resolved: boolean;
  facts: Field[];
  error: CappedText | null;
  tests: Array<{ group: string; passed: string[]; failed: string[] }>;
  testFilesEdited: string[];
  flakyTests: string[];
  patch: CappedText;
  trajectory: { steps: StepView[]; exitStatus: string; note: string | null } | null;
  /** Why there is no trajectory: reference agent, file missing, or invalid (reason). */
  trajectoryNote: string | null;
  /** A live cascade's stages in the order run, with each one's spend (empty for other contenders). */
  stages: Array<{ n: number; contender: string; ended: string; signal: string; reason: string; steps: string; calls: string; tokens: string; usd: string; wall: string; trajectory: string }>;
}

const capOrNull = (s: string | null): CappedText | null => (s === null || s === '' ? null : capText(s));

/**
 * The view model of the attempts page of one contender at one task. `attempts` are its records with
 * their trajectories (null for agents that make no model calls), at most one per attempt index;
 * `attemptsPerTask` sizes the index (attempts with no record show as "not run"); `madeUp` follows
 * every list-price USD figure (src/pricing/illustrative.ts `madeUpTag` of the sheet the report
 * prices with; `''` for a real sheet).
 */
export function attemptPageView(
  attempts: ReadonlyArray<{ record: AttemptRecord; trajectory: TrajectoryRead | null }>,
  o: { back: string; attemptsPerTask: number; madeUp: string },
): AttemptPageView {
  const sorted = [...attempts].sort((a, b) => a.record.attempt - b.record.attempt);
  const first = sorted[0]?.record;
  const byIndex = new Map(sorted.map((a) => [a.record.attempt, a.record]));
  return {
    title: first ? `${first.contender} · ${first.instance_id}` : 'attempts',
    contender: first?.contender ?? '—',
    instanceId: first?.instance_id ?? '—',
    runId: first?.run_id ?? '—',
    back: o.back,
    index: Array.from({ length: o.attemptsPerTask }, (_, n) => {
      const r = byIndex.get(n);
      return { attempt: n, anchor: r ? attemptAnchor(n) : null, outcome: r?.outcome ?? 'not run' };
    }),
    attempts: sorted.map((a) => attemptView(a.record, a.trajectory, o.madeUp)),
  };
}

/** The view of one attempt: its record, tests, patch and trajectory (texts capped); `madeUp` follows each list-price USD figure (attemptPageView). */
export function attemptView(record: AttemptRecord, trajectory: TrajectoryRead | null, madeUp = ''): AttemptView {
  const u = record.usage;
  const listUsd = (usd: number | null): string => (usd === null ? formatUsd(usd) : `${formatUsd(usd)}${madeUp}`);
  const facts: Field[] = [
    { label: 'outcome', value: record.outcome },
    { label: 'agent ended', value: record.exit_status ?? '—' },
    ...(record.limit ? [{ label: 'limit reached', value: record.limit.value === null ? record.limit.kind : `${record.limit.kind} = ${record.limit.value}` }] : []),
    { label: 'visible check', value: record.visible_check ? 'passed (patch applied, PASS_TO_PASS held)' : 'failed' },
    { label: 'USD at list price', value: listUsd(record.list_usd) },
    { label: 'USD billed', value: record.billed_usd === null ? 'not reported' : formatUsd(record.billed_usd) },
    { label: 'price sheet', value: record.price_sheet },
    { label: 'steps', value: formatInt(record.steps) },
    ...attemptImagesFacts(record),
    { label: 'model calls', value: formatInt(record.calls) },
    ...(record.model_mix ? [{ label: 'models that answered', value: record.model_mix.map((m) => `${m.model}: ${formatInt(m.calls)} call(s), ${m.price_key === null ? 'price unknown' : listUsd(m.list_usd)}`).join('; ') }] : []),
    { label: 'tokens', value: `${formatInt(promptTokens(u))} in (${formatInt(u.cache_read)} cache read), ${formatInt(u.output)} out (${formatInt(u.reasoning)} reasoning)` },
    { label: 'wall time', value: `${formatMs(record.wall_ms)} (model ${formatMs(record.model_ms)}, tests ${formatMs(record.test_ms)})` },
    { label: 'patch applied with', value: record.apply_strategy ?? '—' },
    ...(record.binary_files_dropped || record.unsafe_entries_dropped
      ? [{ label: 'patch entries dropped', value: `${formatInt(record.binary_files_dropped)} binary file(s), ${formatInt(record.unsafe_entries_dropped)} leaving the workspace` }]
      : []),
    { label: 'finished', value: record.finished_at },
  ];
  const ts = record.tests_status;
  const tests = ts
    ? (['FAIL_TO_PASS', 'PASS_TO_PASS'] as const).map((g) => ({ group: g, passed: ts[g].success, failed: ts[g].failure }))
    : [];
  let view: AttemptView['trajectory'] = null;
  let trajectoryNote: string | null = null;
  if (trajectory === null) trajectoryNote = 'No trajectory: this agent makes no model calls.';
  else if (trajectory.kind === 'missing') trajectoryNote = 'No trajectory file was found in the run folder.';
  else if (trajectory.kind === 'not_read') trajectoryNote = 'Trajectories were not read: this report was built without the run folder.';
  else if (trajectory.kind === 'invalid') trajectoryNote = `The trajectory file could not be read: ${trajectory.reason}`;
  else {
    view = {
      exitStatus: trajectory.file.exit_status ?? '—',
      note:
        trajectory.file.format === COMMAND_TRAJECTORY_FORMAT
          ? [trajectory.file.error, `External agent ${trajectory.file.agent}: its own commands are not seen by fixbench; one step per model call it made through the metering proxy`].filter(Boolean).join(' ')
          : trajectory.file.error,
      steps: trajectorySteps(trajectory.file).map((s) => {
        const c = s.call;
        return {
          n: s.step,
          thought: capOrNull(s.thought),
          command: capOrNull(s.command),
          observation: capOrNull(s.observation),
          usage: c
            ? `${c.served_model !== undefined ? `${c.served_model ?? '(unnamed)'} · ` : c.model ? `${c.model} · ` : ''}${formatTokens(promptTokens(c.usage))} in (${formatTokens(c.usage.cache_read)} cached) · ${formatTokens(c.usage.output)} out · ${listUsd(c.list_usd)} · ${formatMs(c.ms)}`
            : '',
          context: formatInt(s.context_tokens),
        };
      }),
    };
  }
  return {
    attempt: record.attempt,
    anchor: attemptAnchor(record.attempt),
    outcome: record.outcome,
    resolved: record.outcome === 'resolved',
    facts,
    error: capOrNull(record.error ? `${record.error.stage} · ${record.error.kind}: ${record.error.message}` : null),
    tests,
    testFilesEdited: record.test_files_edited,
    flakyTests: record.flaky_tests,
    patch: capText(record.model_patch, PATCH_CAP),
    trajectory: view,
    trajectoryNote: record.stages && view ? `The steps below are the last stage's (${record.stages.at(-1)!.contender}); every stage's trajectory file is listed under Cascade stages.` : trajectoryNote,
    stages: (record.stages ?? []).map((s, i) => ({
      n: i + 1,
      contender: s.contender,
      ended: s.exit_status,
      signal: s.passed === null ? 'not checked' : s.passed ? 'passed: stopped here' : 'failed: escalated',
      reason: s.reason,
      steps: formatInt(s.steps),
      calls: formatInt(s.calls),
      tokens: `${formatInt(promptTokens(s.usage))} in, ${formatInt(s.usage.output)} out`,
      usd: listUsd(s.list_usd),
      wall: `${formatMs(s.wall_ms)}${s.check_ms ? ` (check ${formatMs(s.check_ms)})` : ''}`,
      trajectory: s.trajectory ?? '—',
    })),
  };
}
