// Who filled the disk: evidence, cheap on the normal path, that a full file system (ENOSPC/EDQUOT)
// met by the harness after the agent's phase is the agent's doing (DESIGN.md §11: a model's
// failure is counted, never re-rolled as an infra error).
import { lstat, readdir, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The workspace's file system before the agent ran: free bytes (for an unprivileged user) and free
 * inodes; `totalFiles`: its inode count (statfs f_files; 0 on file systems without inode counts,
 * btrfs: then the inode test is skipped; absent = unknown, treated as 0); `at`: epoch ms of the reading.
 */
export interface SpaceBefore {
  freeBytes: number;
  freeFiles: number;
  totalFiles?: number;
  at: number;
}

/** File times come from the kernel's coarse clock, a tick behind `Date.now()`: a change this many ms before `at` counts as after. */
const CTIME_SLACK_MS = 20;

/** Entries a `filledByAgent` walk looks at, at most (it stops earlier once the verdict is known). */
export const FILL_WALK_MAX_ENTRIES = 200_000;

/**
 * New or changed entries no honest attempt makes: when a walk is cut short (FILL_WALK_MAX_ENTRIES) and
 * the agent's entries it saw already exceed this, the agent filled the disk (a walk cut short never
 * concludes "not the agent" from what it did not see, else the agent could hide behind many empty files).
 */
export const FILL_WALK_BLAME_ENTRIES = 100_000;

/** Inodes ran out when fewer than max(this, f_files / 1000) are free once the ENOSPC/EDQUOT was met. */
const INODES_OUT_MIN = 16;

/**
 * One `statfs` of the file system holding `dir` (or its parent, when `dir` is not made yet), taken
 * just before the agent starts. Null when neither can be read (then a full disk stays the harness's).
 * Never throws.
 */
export async function spaceBefore(dir: string): Promise<SpaceBefore | null> {
  const at = Date.now();
  for (const d of [dir, dirname(dir)]) {
    try {
      const s = await statfs(d);
      return { freeBytes: s.bavail * s.bsize, freeFiles: s.ffree, totalFiles: s.files, at };
    } catch {
      // the next candidate
    }
  }
  return null;
}

/** Whether `err` (or a git failure's message) says the file system is full: ENOSPC or EDQUOT (git's own "Out of diskspace" too, its words for a short write of the index). */
export function isNoSpace(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return true;
  const text = `${e?.message ?? String(err)} ${(e?.cause as Error | undefined)?.message ?? ''}`;
  return /\b(ENOSPC|EDQUOT)\b|No space left on device|Disk quota exceeded|Out of diskspace/i.test(text);
}

/**
 * Whether the agent filled the disk: what `dir` (its workspace) gained since `before.at`, counted as
 * the allocated size (st_blocks × 512, so a sparse file counts what it holds) and the number of the
 * entries whose ctime is at or after `before.at` (less CTIME_SLACK_MS) (a file the agent wrote or grew; `utimes` cannot set
 * ctime back), is more than half of the bytes that were free, or of the inodes that were free when
 * inodes (not bytes) ran out (the file system reports inode counts, `before.totalFiles` > 0, and now
 * has almost none free: fewer than max(INODES_OUT_MIN, f_files / 1000)). Run only after an
 * ENOSPC/EDQUOT: a walk of at most `maxEntries` (FILL_WALK_MAX_ENTRIES) entries (links never followed), which stops
 * as soon as the threshold is passed; folders it cannot read are skipped. A walk cut short at
 * `maxEntries` blames the agent when the new/changed entries it saw exceed `blameEntries`
 * (FILL_WALK_BLAME_ENTRIES), and otherwise says "not the agent". Never throws.
 * @returns `{ filled, grewBytes, grewFiles }` (bytes, entries as far as the walk went).
 */
export async function filledByAgent(dir: string, before: SpaceBefore, maxEntries = FILL_WALK_MAX_ENTRIES, blameEntries = FILL_WALK_BLAME_ENTRIES): Promise<{ filled: boolean; grewBytes: number; grewFiles: number }> {
  let grewBytes = 0;
  let grewFiles = 0;
  let seen = 0;
  const inodeTest = (before.totalFiles ?? 0) > 0 && (await inodesRanOut(dir));
  const over = () => grewBytes > before.freeBytes / 2 || (inodeTest && grewFiles > before.freeFiles / 2) || (seen >= maxEntries && grewFiles > blameEntries);
  const stack = [dir];
  while (stack.length && seen < maxEntries && !over()) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen >= maxEntries || over()) break;
      seen += 1;
      const p = join(d, name);
      try {
        const st = await lstat(p);
        if (st.ctimeMs >= before.at - CTIME_SLACK_MS) {
          grewBytes += st.blocks * 512;
          grewFiles += 1;
        }
        if (st.isDirectory()) stack.push(p);
      } catch {
        // gone or unreadable: skipped
      }
    }
  }
  return { filled: over(), grewBytes, grewFiles };
}

/** Whether the file system holding `dir` now has (almost) no free inode; false when it reports no inode counts or cannot be read. */
async function inodesRanOut(dir: string): Promise<boolean> {
  try {
    const s = await statfs(dir);
    return s.files > 0 && s.ffree < Math.max(INODES_OUT_MIN, s.files / 1000);
  } catch {
    return false;
  }
}
