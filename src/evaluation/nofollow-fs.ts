// File operations on a workspace that untrusted code wrote, which never follow a symbolic link
// (issue 13.3): a link where a file or folder belongs is removed as a link, never read through,
// written through or deleted through. Paths are repository-relative, `/`-separated, checked by
// the caller (no `..`, no leading `/`, nothing under `.git`).
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants, lstat, mkdir, open, readlink, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ancestors } from './protected-rule.ts';

/** lstat of `dir/rel`, or null when nothing is there. Never follows a link. */
export async function lstatOrNull(dir: string, rel: string): Promise<Stats | null> {
  return lstat(join(dir, rel)).catch(() => null);
}

/**
 * Makes every folder above `rel` a real folder or absent: a symbolic link or a file where a
 * folder belongs is unlinked (the link itself; its target is untouched). Returns the paths
 * removed. Stops at the first one removed (nothing can exist below it).
 */
export async function clearLinkedAncestors(dir: string, rel: string): Promise<string[]> {
  for (const a of ancestors(rel)) {
    const st = await lstatOrNull(dir, a);
    if (!st) return [];
    if (st.isDirectory()) continue;
    await unlink(join(dir, a));
    return [a];
  }
  return [];
}

/**
 * Removes whatever is at `dir/rel`: a link as a link, a file, or a real folder with its contents
 * (`fs.rm` never descends through a link). True when something was there.
 */
export async function removeNoFollow(dir: string, rel: string): Promise<boolean> {
  const st = await lstatOrNull(dir, rel);
  if (!st) return false;
  if (st.isDirectory()) await rm(join(dir, rel), { recursive: true, force: true });
  else await unlink(join(dir, rel));
  return true;
}

/** Reads a regular file without following a link at its last component (O_NOFOLLOW). */
export async function readNoFollow(dir: string, rel: string): Promise<Buffer> {
  const fh = await open(join(dir, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * Writes `dir/rel` afresh: folders above it are made real (links removed, missing ones created one
 * by one), whatever is at `rel` is removed, then the file is created exclusively (O_CREAT|O_EXCL|
 * O_NOFOLLOW) with `mode`, or as a symbolic link to `linkTarget` when given.
 */
export async function writeNoFollow(dir: string, rel: string, content: Buffer, mode: number, linkTarget?: string): Promise<void> {
  await clearLinkedAncestors(dir, rel);
  for (const a of ancestors(rel)) {
    const st = await lstatOrNull(dir, a);
    if (!st) await mkdir(join(dir, a));
  }
  await removeNoFollow(dir, rel);
  if (linkTarget !== undefined) {
    await symlink(linkTarget, join(dir, rel));
    return;
  }
  const fh = await open(join(dir, rel), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await fh.writeFile(content);
    await fh.chmod(mode);
  } finally {
    await fh.close();
  }
}

/** Git's blob id (SHA-1) of `content`: sha1("blob <length>\0" + content). */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/**
 * Whether `dir/rel` holds exactly the base entry: a link with the same target for mode 120000,
 * else a regular file with the same bytes and executable bit. Never follows a link.
 */
export async function sameAsBase(dir: string, rel: string, base: { mode: string; id: string }): Promise<boolean> {
  const st = await lstatOrNull(dir, rel);
  if (!st) return false;
  if (base.mode === '120000') return st.isSymbolicLink() && gitBlobId(await readlink(join(dir, rel), { encoding: 'buffer' })) === base.id;
  if (!st.isFile()) return false;
  const exec = (st.mode & 0o100) !== 0;
  if (exec !== (base.mode === '100755')) return false;
  return gitBlobId(await readNoFollow(dir, rel)) === base.id;
}
