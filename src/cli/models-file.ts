// The models file a run was started with, as run.json records it (`models_file`): a resume without
// `--models-file` reads the same file, and is told when its content changed since.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunHeader } from '../core/records.ts';
import { PACKAGE_ROOT } from './paths.ts';

/** A path inside the fixbench package as relative to it (e.g. `prices/2026-03-31.yaml`); others absolute. */
export function bundledRelative(file: string): string {
  const rel = path.relative(PACKAGE_ROOT, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/**
 * run.json's `models_file` for `file` (absolute): its path (`bundledRelative`) and the first 16 hex
 * characters of the sha256 of its bytes.
 * @throws as `readFile` (the catalog was just loaded from it, so only a race).
 */
export async function modelsFileIdentity(file: string): Promise<NonNullable<RunHeader['models_file']>> {
  return { file: bundledRelative(file), content_hash: createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16) };
}

/** The absolute path run.json's `models_file` names (package-relative ones under the package); undefined when absent (older runs: the default). */
export function storedModelsFile(h: Pick<RunHeader, 'models_file'>): string | undefined {
  const f = h.models_file?.file;
  return f === undefined ? undefined : path.isAbsolute(f) ? f : path.join(PACKAGE_ROOT, f);
}

/** The absolute path run.json's `tasks_dir` names (package-relative ones under the package); undefined when absent (older runs: the bundled tasks/). */
export function storedTasksDir(h: Pick<RunHeader, 'tasks_dir'>): string | undefined {
  const d = h.tasks_dir;
  return d === undefined ? undefined : path.isAbsolute(d) ? d : path.join(PACKAGE_ROOT, d);
}

/**
 * A warning when the models file a resume reads is the run's but its content changed since (hash
 * differs), else null. Not a refusal: the run's own model entries are compared field by field with
 * the stored configuration (a difference there is refused); other entries do not matter to it.
 */
export function modelsFileChange(stored: RunHeader['models_file'], now: NonNullable<RunHeader['models_file']>): string | null {
  if (!stored || stored.file !== now.file || stored.content_hash === now.content_hash) return null;
  return `${now.file} changed since the run started (sha256 ${stored.content_hash} → ${now.content_hash}); its models' entries are checked against the run's configuration, other entries do not change the run`;
}
