// The bundle `tasks create` writes beside the tasks: `<tasksDir>/repos/<name>.bundle`, holding
// base commits and their history, never a fix.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { InfraError, UserInputError } from '../core/errors.ts';
import { gitAt } from '../workspace/git.ts';
import { hasCommit } from '../workspace/repo-cache.ts';

/**
 * Writes (or extends) `<tasksDir>/repos/<name>.bundle` so it holds `base` (from the bare `mirror`)
 * and its history: an existing bundle keeps its refs and gains `refs/heads/fixbench/<id>` when it
 * lacks `base`. The file is replaced atomically. `name` must be a plain file name (checked by
 * `checkCreateFlags`).
 * @throws InfraError when git fails.
 */
export async function writeBundle(o: { tasksDir: string; workDir: string; name: string; mirror: string; base: string; id: string }): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o.name)) throw new UserInputError(`bundle name ${o.name}: a file name only (letters, digits, ".", "_", "-")`);
  const reposDir = path.join(o.tasksDir, 'repos');
  const file = path.join(reposDir, `${o.name}.bundle`);
  await mkdir(reposDir, { recursive: true });
  const tmp = await mkdtemp(path.join(o.workDir, 'bundle-'));
  try {
    const git = gitAt(tmp);
    await git.raw(['init', '--quiet', '--bare']);
    if (existsSync(file)) await git.raw(['fetch', '--quiet', '--no-tags', file, '+refs/heads/*:refs/heads/*']);
    if (await hasCommit(tmp, o.base)) return;
    const ref = existsSync(file) ? `refs/heads/fixbench/${o.id}` : 'refs/heads/main';
    await git.raw(['fetch', '--quiet', '--no-tags', o.mirror, `${o.base}:${ref}`]);
    const part = `${file}.${process.pid}.tmp`;
    await git.raw(['bundle', 'create', '--quiet', part, '--all']);
    await rename(part, file);
  } catch (e) {
    throw new InfraError(`writing the bundle ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
