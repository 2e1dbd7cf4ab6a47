// Opening a run to resume it (`fixbench run --resume`, `--retry-errors`): the stored header must
// match the new one (src/store/compat.ts), and of each finished attempt only its identity, outcome
// and spend are read, from the store's sidecar index (src/store/attempt-index.ts; issue 18.4).
import type { ContenderPlan } from '../agents/factory.ts';
import { UserInputError } from '../core/errors.ts';
import type { RunHeader } from '../store/records.ts';
import { RunWriter } from '../store/store.ts';
import type { AttemptIndexEntry } from '../store/attempt-index.ts';
import { predatesRunConfig, resumeMismatches, resumeRefusal } from '../store/compat.ts';
import { mergeUnfinished } from '../store/merge.ts';
import { settleRecordedLedgers } from '../store/ledger.ts';
import type { Redactor } from '../core/redact.ts';
import { contenderOf } from './run-config.ts';

export interface Resumed {
  writer: RunWriter;
  /** Each record the run already holds (after `retryErrors` dropped its infra errors), in file order. */
  earlier: AttemptIndexEntry[];
  /** The stored run predates RunConfig: its attempt keys are `legacyAttemptKey`'s. */
  legacy: boolean;
}

/**
 * Opens `dir` to continue it under `header` (the new session's), which is updated in place: the
 * stored start time, resume times and upgrade mark are kept, and a run older than RunConfig keeps
 * its header shape. With `retryErrors`, records with outcome `infra_error` are set aside first
 * (attempts.superseded.jsonl) so they run again. The header is written before returning.
 * @throws UserInputError when the stored run differs from `header` (each field named), when it is a
 * merged run whose merge was stopped (`mergeUnfinished`: a resume would pay again for attempts its
 * shards hold), or as `RunWriter.open` does.
 */
export async function openForResume(dir: string, header: RunHeader, o: { redact: Redactor; retryErrors: boolean; contenders: readonly ContenderPlan[] }): Promise<Resumed> {
  const opened = await RunWriter.open(dir, o.redact);
  const stored = opened.header;
  if (mergeUnfinished(stored)) {
    throw new UserInputError(`${dir}: a merged run whose merge was stopped before it finished (run.json note): it lacks attempts its shards hold, and a resume would run and pay for them again; remove it and merge the shards again`);
  }
  const problems = resumeMismatches(stored, header);
  if (problems.length) throw new UserInputError(resumeRefusal(dir, problems));
  const legacy = predatesRunConfig(stored);
  if (legacy) {
    delete header.config;
    header.contenders = o.contenders.map((p) => contenderOf(p));
  }
  const writer = opened.writer;
  let earlier = opened.done;
  // A kill between a record's append and its ledger's settle left that ledger live: its calls are in the
  // record, so it is settled now, before a record is set aside, or a re-run of the key would fold them again (atkF10 2).
  await settleRecordedLedgers(dir, new Set(earlier.map((r) => r.key)));
  // the whole records are read only when there is an infra error to set aside
  if (o.retryErrors && earlier.some((r) => r.outcome === 'infra_error')) {
    const dropped = new Set((await writer.dropAttempts((r) => r.outcome === 'infra_error')).map((r) => r.key));
    earlier = earlier.filter((r) => !dropped.has(r.key));
  }
  header.started_at = stored.started_at;
  // the models the run skipped (no key) stay listed: a resume runs the stored contenders only, so this session's list is only those of them skipped now
  header.skipped = [...stored.skipped.filter((s) => !header.skipped.some((h) => h.id === s.id)), ...header.skipped];
  header.resumed_at = [...(stored.resumed_at ?? []), new Date().toISOString()];
  if (stored.upgraded_from) header.upgraded_from = stored.upgraded_from;
  await writer.writeHeader(header);
  return { writer, earlier, legacy };
}
