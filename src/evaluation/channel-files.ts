// Reading a grading run's reports beyond the task's own (DESIGN.md §11 rule 3): the second result
// channel (channels.ts) and the per-process account (process-account.ts), where guardRun planned them.
import { aliasSweBenchNames } from '../core/swe-ids.ts';
import { carryMeta, parseReportText, REPORT_LABEL, type TestResults } from './parse/index.ts';
import { readReportFile } from './report-file.ts';
import { readProcessAccount, type ProcessAccount } from './process-account.ts';
import type { Guard } from './integrity.ts';

/** What the extra reports gave: null where none was planned. */
export interface ChannelFiles {
  second: TestResults | null;
  /** The per-process account, or why it cannot be read as node writes it (`forged`: the grade is `tampered`). */
  account: { account: ProcessAccount } | { problem: string; forged: boolean } | null;
}

/**
 * Reads the second channel's report (its results passed through `fix`: canary swaps undone; with
 * `sweListed`, the task's SWE-bench names aliased as on the first report) and the per-process
 * account from workspace `dir`. Throws (report-file.ts `readReportFile`) when a planned report is
 * missing, linked or too large, or (parse) does not parse: the caller grades that `tampered`.
 */
export async function readChannelFiles(dir: string, guard: Guard, status: string, fix: (r: TestResults) => TestResults, sweListed: readonly string[] | null): Promise<ChannelFiles> {
  let second: TestResults | null = null;
  if (guard.channel) {
    second = fix(parseReportText(guard.channel.kind, await readReportFile(dir, guard.channel.path, `second-channel ${REPORT_LABEL[guard.channel.kind]}`, status), { tapLeaves: true }));
    if (sweListed) second = carryMeta(second, aliasSweBenchNames(second, sweListed));
  }
  const account = guard.account ? readProcessAccount(await readReportFile(dir, guard.account.path, 'per-process report', status), guard.account.root) : null;
  return { second, account };
}
