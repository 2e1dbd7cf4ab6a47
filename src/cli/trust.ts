// What counts as trusted for `--sandbox auto` (README "The sandbox"): the reference agents (gold, noop)
// on the bundled tasks shipped with fixbench (in the bundled tasks/ folder and listed, unchanged, in
// its manifest tasks/bundled-manifest.json: a task a user adds there is not trusted). Everything else — a model's or an external agent's
// commands, a predictions file's patches, a task folder or repository from elsewhere (its setup
// and tests run) — is untrusted, so `auto` refuses to run it without bwrap (fail closed).
import { existsSync, realpathSync } from 'node:fs';
import { presetOfSpec } from '../agents/presets.ts';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import type { ContenderPlan } from '../runner/run.ts';
import { modelPlansOf } from '../agents/factory.ts';
import { MANIFEST_FILE, MANIFEST_REFRESH, unlistedTasks } from '../tasks/bundled-manifest.ts';
import { createSandbox, type SandboxBackend, type SandboxChoice } from '../sandbox/index.ts';

/** True when `tasksDir` is the bundled tasks/ folder of this fixbench (symlinks resolved). */
export function isBundledTasksDir(tasksDir: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(tasksDir) === real(path.join(PACKAGE_ROOT, 'tasks'));
}

/**
 * True when every selected task (`ids`; empty or absent: every task folder of `tasksDir`) is a task
 * shipped with fixbench: `tasksDir` is the bundled tasks/ folder and each task is listed in its
 * manifest with the same content hash (`unlistedTasks`). A task added to tasks/ (`tasks create`,
 * `mine`, `fetch`) or edited there is not.
 */
export function isBundledTasks(tasksDir: string, ids?: readonly string[]): boolean {
  return isBundledTasksDir(tasksDir) && unlistedTasks(tasksDir, ids).length === 0;
}

/** The refusal phrase for the tasks of `tasksDir` (`ids` selected), or null when they are all bundled ones. */
function untrustedTasksPhrase(tasksDir: string, ids?: readonly string[]): string | null {
  if (!isBundledTasksDir(tasksDir)) return `the setup and tests of the tasks in ${tasksDir} (only the bundled tasks/ count as trusted)`;
  const unlisted = unlistedTasks(tasksDir, ids);
  if (!unlisted.length) return null;
  const shown = unlisted.slice(0, 5).join(', ') + (unlisted.length > 5 ? `, … (${unlisted.length} in all)` : '');
  return (
    `the setup and tests of task${unlisted.length > 1 ? 's' : ''} ${shown} in ${tasksDir} (not shipped with fixbench or changed since: ` +
    `only the bundled tasks listed unchanged in tasks/${MANIFEST_FILE} count as trusted; a maintainer who changed a bundled task refreshes it with \`${MANIFEST_REFRESH}\`)`
  );
}

/**
 * The untrusted code a command would run, as a phrase for the refusal message, or null when it
 * runs only trusted code.
 * - `models`: ids of the model contenders (their commands are written by a model);
 * - `agents`: ids of external agent CLIs;
 * - `predictions`: a predictions file whose patches are applied and tested;
 * - `repo`: a repository whose setup and tests run (`tasks create`);
 * - `tasksDir`: the task folder; any but the bundled one is untrusted (its setup and tests run);
 * - `taskIds`: the tasks selected in `tasksDir` (empty or absent: all); in the bundled folder, any
 *   not in its manifest with the same content hash is untrusted (see `isBundledTasks`).
 */
export function untrustedWork(w: { models?: string[]; agents?: string[]; predictions?: string; repo?: string; tasksDir?: string; taskIds?: readonly string[] }): string | null {
  const parts: string[] = [];
  if (w.models?.length) parts.push(`model${w.models.length > 1 ? 's' : ''} ${w.models.join(', ')} (${w.models.length > 1 ? 'they write' : 'it writes'} the commands)`);
  if (w.agents?.length) parts.push(`external agent${w.agents.length > 1 ? 's' : ''} ${w.agents.join(', ')}`);
  if (w.predictions) parts.push(`the patches of ${w.predictions}`);
  if (w.repo) parts.push(`the setup and tests of repository ${w.repo}`);
  const tasks = w.tasksDir ? untrustedTasksPhrase(w.tasksDir, w.taskIds) : null;
  if (tasks) parts.push(tasks);
  return parts.length ? parts.join('; ') : null;
}

/** `untrustedWork` of a suite's contenders (models, external agents, predictions sets) on the tasks `taskIds` of `tasksDir`. */
export function untrustedContenders(contenders: readonly ContenderPlan[], tasksDir: string, taskIds?: readonly string[]): string | null {
  const models = [...new Set(modelPlansOf(contenders).map((c) => c.model.spec.id))];
  const agents = [...new Set(modelPlansOf(contenders).flatMap((c) => (c.agent ? [c.agent.id] : [])))];
  const predictions = contenders.flatMap((c) => (c.kind === 'predictions' ? [c.name] : [])).join(', ') || undefined;
  return untrustedWork({ models, agents, predictions, tasksDir, taskIds });
}

/**
 * `createSandbox(choice)` for a suite of `contenders` on the tasks `taskIds` of `tasksDir`, failing closed (see `untrustedContenders`).
 * `warn` receives the sandbox's warnings (the local sandbox's, default: stderr), so a caller creating it
 * beside other start-up work can print them when that work has passed.
 */
export function suiteSandbox(choice: SandboxChoice, contenders: readonly ContenderPlan[], tasksDir: string, taskIds?: readonly string[], warn?: (message: string) => void): Promise<SandboxBackend> {
  // Installed preset CLIs live in fixbench's cache, not a system folder: shown read-only in the sandbox.
  const readOnly = [...new Set(modelPlansOf(contenders).flatMap((c) => (c.agent ? [presetOfSpec(c.agent)?.prefix ?? ''] : [])).filter((p) => p && existsSync(p)))];
  return createSandbox(choice, { untrusted: untrustedContenders(contenders, tasksDir, taskIds), ...(readOnly.length ? { readOnly } : {}), ...(warn ? { warn } : {}) });
}
