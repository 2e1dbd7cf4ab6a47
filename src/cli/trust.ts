// What counts as trusted for `--sandbox auto` (README "The sandbox"): the reference agents (gold, noop)
// on the bundled tasks shipped with fixbench. Everything else — a model's or an external agent's
// commands, a predictions file's patches, a task folder or repository from elsewhere (its setup
// and tests run) — is untrusted, so `auto` refuses to run it without bwrap (fail closed).
import { existsSync, realpathSync } from 'node:fs';
import { presetOfSpec } from '../agents/presets.ts';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import type { ContenderPlan } from '../runner/run.ts';
import { createSandbox, type SandboxBackend, type SandboxChoice } from '../sandbox/index.ts';

/** True when `tasksDir` is the bundled tasks/ folder of this fixbench (symlinks resolved). */
export function isBundledTasks(tasksDir: string): boolean {
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
 * The untrusted code a command would run, as a phrase for the refusal message, or null when it
 * runs only trusted code.
 * - `models`: ids of the model contenders (their commands are written by a model);
 * - `agents`: ids of external agent CLIs;
 * - `predictions`: a predictions file whose patches are applied and tested;
 * - `repo`: a repository whose setup and tests run (`tasks create`);
 * - `tasksDir`: the task folder; any but the bundled one is untrusted (its setup and tests run).
 */
export function untrustedWork(w: { models?: string[]; agents?: string[]; predictions?: string; repo?: string; tasksDir?: string }): string | null {
  const parts: string[] = [];
  if (w.models?.length) parts.push(`model${w.models.length > 1 ? 's' : ''} ${w.models.join(', ')} (${w.models.length > 1 ? 'they write' : 'it writes'} the commands)`);
  if (w.agents?.length) parts.push(`external agent${w.agents.length > 1 ? 's' : ''} ${w.agents.join(', ')}`);
  if (w.predictions) parts.push(`the patches of ${w.predictions}`);
  if (w.repo) parts.push(`the setup and tests of repository ${w.repo}`);
  if (w.tasksDir && !isBundledTasks(w.tasksDir)) parts.push(`the setup and tests of the tasks in ${w.tasksDir} (only the bundled tasks/ count as trusted)`);
  return parts.length ? parts.join('; ') : null;
}

/** `untrustedWork` of a suite's contenders (models, external agents, predictions sets) on `tasksDir`. */
export function untrustedContenders(contenders: readonly ContenderPlan[], tasksDir: string): string | null {
  const models = [...new Set(contenders.flatMap((c) => (c.kind === 'model' ? [c.model.spec.id] : [])))];
  const agents = [...new Set(contenders.flatMap((c) => (c.kind === 'model' && c.agent ? [c.agent.id] : [])))];
  const predictions = contenders.flatMap((c) => (c.kind === 'predictions' ? [c.name] : [])).join(', ') || undefined;
  return untrustedWork({ models, agents, predictions, tasksDir });
}

/** `createSandbox(choice)` for a suite of `contenders` on `tasksDir`, failing closed (see `untrustedContenders`). */
export function suiteSandbox(choice: SandboxChoice, contenders: readonly ContenderPlan[], tasksDir: string): Promise<SandboxBackend> {
  // Installed preset CLIs live in fixbench's cache, not a system folder: shown read-only in the sandbox.
  const readOnly = [...new Set(contenders.flatMap((c) => (c.kind === 'model' && c.agent ? [presetOfSpec(c.agent)?.prefix ?? ''] : [])).filter((p) => p && existsSync(p)))];
  return createSandbox(choice, { untrusted: untrustedContenders(contenders, tasksDir), ...(readOnly.length ? { readOnly } : {}) });
}
