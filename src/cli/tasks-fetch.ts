// `fixbench tasks fetch <suite file>`: builds the suite's task recipes on this machine.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { createSandbox, type SandboxChoice } from '../sandbox/index.ts';
import { printable } from '../tasks/create-summary.ts';
import { fetchSuite } from '../tasks/fetch.ts';
import { loadSuiteFile } from '../tasks/recipe.ts';
import { writeTasksDir } from './common.ts';
import { textTable } from './table.ts';
import { envCacheFor } from './tasks-create.ts';
import { repoCacheFor } from './tasks-check.ts';
import { untrustedWork } from './trust.ts';
import { commandPrefix, shellWord } from './hints.ts';

export interface FetchCliOptions {
  tasks?: string;
  mirror?: string[];
  mirrors?: string[];
  force?: boolean;
  cacheDir?: string;
  envCache?: boolean;
  sandbox: SandboxChoice;
}

/** `owner/name=<path|url>` pairs as a map. @throws UserInputError for a malformed pair. */
export function mirrorMap(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)=(.+)$/.exec(p);
    if (!m) throw new UserInputError(`--mirror ${p}: give owner/name=<path or URL>, e.g. micromatch/picomatch=/srv/git/picomatch.git`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * The last lines of `tasks fetch`: `<built> of <n> built (<e> already there, <f> failed)`, then
 * the next step (`tasks validate` of `tasksDir`) when some task was built or is there; when none
 * is, says so and names no next step (the command exits 3).
 */
export function fetchSummary(results: ReadonlyArray<{ status: 'created' | 'exists' | 'failed' }>, tasksDir: string): string {
  const n = (s: string) => results.filter((r) => r.status === s).length;
  const [created, exists, failed] = [n('created'), n('exists'), n('failed')];
  const counts = `${created} of ${results.length} built${exists ? `, ${exists} already there` : ''}${failed ? `, ${failed} failed` : ''}`;
  if (created + exists === 0) return `${counts}: no task in ${tasksDir} to validate; fix the errors above (a recipe that "cannot be cloned" needs the network, or --mirror/--mirrors)\n`;
  return `${counts}; tasks in ${tasksDir}; next: ${commandPrefix()} tasks validate --tasks ${shellWord(tasksDir)}\n`;
}

/**
 * Runs `fixbench tasks fetch`: builds every recipe (or `ids`) of `file` into --tasks, printing one
 * line per recipe and a table at the end. Exit 0 when every recipe was built (or existed), 3 when one failed.
 */
export async function tasksFetchCommand(file: string, ids: string[], o: FetchCliOptions): Promise<number> {
  const tasksDir = writeTasksDir(o.tasks, 'tasks fetch');
  const suite = await loadSuiteFile(file);
  const mirrors = mirrorMap(o.mirror);
  const repoCache = repoCacheFor(tasksDir);
  const sandbox = await createSandbox(o.sandbox, { untrusted: untrustedWork({ repo: [...new Set(suite.tasks.map((t) => t.repo))].join(', ') }) });
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-fetch-'));
  try {
    const envCache = envCacheFor(o);
    const results = await fetchSuite(suite, {
      ids, mirrors, mirrorDirs: o.mirrors ?? [], tasksDir, sandbox, repoCache, workDir: work, force: o.force, ...(envCache ? { envCache } : {}),
      onDone: (f) => process.stderr.write(`${f.instance_id}: ${f.status}${f.error ? `: ${printable(f.error)}` : ''} (${(f.wall_ms / 1000).toFixed(1)} s)\n`),
    });
    process.stdout.write(
      textTable(
        ['instance_id', 'status', 'FAIL_TO_PASS', 'PASS_TO_PASS', 'build', 'warnings / error'],
        results.map((r) => [
          r.instance_id, r.status, r.result?.task.FAIL_TO_PASS.length ?? '', r.result?.task.PASS_TO_PASS.length ?? '', `${(r.wall_ms / 1000).toFixed(1)} s`,
          printable(r.error ?? r.result?.warnings.join('; ') ?? '').slice(0, 200),
        ]),
      ) + fetchSummary(results, tasksDir),
    );
    return results.some((r) => r.status === 'failed') ? ExitCode.gateFailed : ExitCode.ok;
  } finally {
    await sandbox.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}
