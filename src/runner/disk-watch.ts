// Who filled the run's temp disk: every attempt folder of a run (its agent workspace and its grading
// checkout) lives on the one OS temp file system, with no per-attempt quota. While attempts run, that
// file system is read (statfs) every `intervalMs`; when it is (almost) full, each live attempt's folder
// is weighed as `filledByAgent` weighs one workspace, and the fill is put down to the attempts whose
// folder grew by more than half of what was free when they started. An attempt whose grading failed
// (no verdict, a harness fault) while another attempt held the disk full is the harness's failure
// (`infra_error`), never the patch's (DESIGN.md §11: a model's failure is counted, and only its own).
import { statfs } from 'node:fs/promises';
import type { EvaluationResult } from '../evaluation/types.ts';
import { filledByAgent, spaceBefore, type SpaceBefore } from '../workspace/disk-fill.ts';

/** The file system counts as full when fewer bytes than this are free to an unprivileged user. */
export const DISK_FULL_BYTES = 1 << 20;

/** While the disk stays full, the live folders are walked again at most this often (ms). */
const WALK_EVERY_MS = 2000;

/** One time the disk was seen full: epoch ms, and the parties (`DiskWatch.enter`) of the live attempts whose folder had filled it (none found: empty). */
export interface FillEvent {
  at: number;
  by: string[];
}

/** A live attempt: its party, its folder (mkdtemp under the run's work root) and the disk before it wrote there. */
interface Claim {
  party: string;
  dir: string;
  before: SpaceBefore;
}

/** Who filled the disk within a window, for one attempt: itself (`own`), only others (`other`), nobody found (`unknown`), or it was never full (null). */
export type FillVerdict = { kind: 'own' | 'other' | 'unknown'; by: string[] } | null;

export interface DiskWatch {
  /**
   * Registers an attempt's folder (read: one statfs now); returns its release. `party`: who answers for
   * what the attempt writes — the contender for a model (its attempts are one party: filling the disk
   * from one never excuses another's failure), the attempt's key otherwise (a fixed patch, re-graded
   * as it is). Never throws.
   */
  enter(party: string, dir: string): Promise<() => void>;
  /** Whether the disk was seen full since `since` (epoch ms; one more reading is taken now), and whose doing, for `party`. Never throws. */
  verdict(party: string, since: number): Promise<FillVerdict>;
  /** Stops the timer (the run's end). */
  close(): void;
}

/**
 * A watch of the file system holding `probeDir` (the run's work root). The timer runs only while an
 * attempt is registered and is unref'd; a reading that finds the disk full walks the live folders
 * (bounded walks, `filledByAgent`), at most one walk at a time. Events older than `keepMs` are dropped.
 */
export function diskWatch(probeDir: string, o: { intervalMs?: number; keepMs?: number; fullBytes?: number } = {}): DiskWatch {
  const intervalMs = o.intervalMs ?? 250;
  const keepMs = o.keepMs ?? 30 * 60_000;
  const fullBytes = o.fullBytes ?? DISK_FULL_BYTES;
  const claims = new Set<Claim>();
  let events: FillEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let reading: Promise<void> | null = null;

  // What was free at the last reading that found the disk not full: the baseline of an attempt that starts while it is full.
  let lastFree: { bytes: number; files: number } | null = null;
  const full = async (): Promise<boolean> => {
    try {
      const s = await statfs(probeDir);
      const isFull = s.bavail * s.bsize < fullBytes || (s.files > 0 && s.ffree < Math.max(16, s.files / 1000));
      if (!isFull) lastFree = { bytes: s.bavail * s.bsize, files: s.ffree };
      return isFull;
    } catch {
      return false;
    }
  };
  const readOnce = (): Promise<void> =>
    (reading ??= (async () => {
      // the reading's time is when it was asked: a reading answered after a verdict's window opened saw the disk before it
      const at = Date.now();
      if (!(await full())) return;
      const last = events.at(-1);
      // Still full: the last walk's answer stands for WALK_EVERY_MS (a walk reads every entry of the live folders).
      if (last && last.at >= at - WALK_EVERY_MS) return void events.push({ at, by: last.by });
      const by = new Set<string>();
      for (const c of [...claims.values()]) if ((await filledByAgent(c.dir, c.before)).filled) by.add(c.party);
      events = [...events.filter((e) => e.at >= at - keepMs), { at, by: [...by] }];
    })().finally(() => (reading = null)));

  return {
    async enter(party, dir) {
      const read = await spaceBefore(dir);
      if (!read) return () => {};
      // Started on a full disk: weighed against what was free before it filled, never against ~0 (its first write would blame it).
      const before = read.freeBytes < fullBytes && lastFree ? { ...read, freeBytes: Math.max(read.freeBytes, lastFree.bytes), freeFiles: Math.max(read.freeFiles, lastFree.files) } : read;
      if (before === read && read.freeBytes >= fullBytes) lastFree = { bytes: read.freeBytes, files: read.freeFiles };
      const claim = { party, dir, before };
      claims.add(claim);
      timer ??= setInterval(() => void readOnce(), intervalMs).unref();
      return () => {
        claims.delete(claim);
        if (claims.size === 0 && timer) (clearInterval(timer), (timer = null));
      };
    },
    async verdict(party, since) {
      await reading;
      await readOnce();
      const seen = events.filter((e) => e.at >= since);
      if (!seen.length) return null;
      const by = [...new Set(seen.flatMap((e) => e.by))].sort();
      return { kind: by.includes(party) ? 'own' : by.length ? 'other' : 'unknown', by };
    },
    close() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/**
 * A grading result weighed against the disk's state during it: when another attempt (and not this one)
 * filled the disk while it ran, a result that may come from the full disk (`unresolved`, `tampered`,
 * `infra_error`, `timeout`) becomes `infra_error` saying so; any other result, and every result when
 * the disk was never seen full, or this attempt filled it, or nobody was found, is returned as it was.
 */
export function blameFullDisk(ev: EvaluationResult, verdict: FillVerdict): EvaluationResult {
  const note = otherFilled(verdict);
  if (!note || !['unresolved', 'tampered', 'infra_error', 'timeout'].includes(ev.outcome)) return ev;
  const was = `${ev.outcome}${ev.error ? `: ${ev.error}` : ''}`;
  return { ...ev, outcome: 'infra_error', tests_status: null, error: `${note}; the grading said ${was.slice(0, 500)}` };
}

/** "the temp disk was full: another attempt filled it (keys)" when `verdict` blames only other attempts; else null. */
export function otherFilled(verdict: FillVerdict): string | null {
  return verdict?.kind === 'other' ? `the temp disk was full: another attempt filled it (${verdict.by.join(', ')})` : null;
}
